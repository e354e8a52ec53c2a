"""Build a static catalog of Vietnam's OCOP products from YAML records.

The pipeline, one module per stage: ``yaml_loader`` (read records safely) -> ``validate``
(records and OCOP rules, all problems at once) -> ``model`` and ``rules`` (the domain and the
status of each certification) -> ``views`` and ``pages`` (render) -> ``mkdocs_plugin`` and
``build`` (hand pages to the site shell, write the site atomically).
"""

__version__ = "0.1.0"
