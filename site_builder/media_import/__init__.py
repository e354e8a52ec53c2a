"""``ocop import FOLDER``: photos and lot documents from a folder, placed by their names.

source (list the folder, refuse what is not an ordinary file) → names (which product and lot
each name or folder gives) → convert (check each file to its last byte, make it upright, sRGB,
JPEG, small enough, without metadata) → plan (add the files to their records, check them as
``ocop check`` would, move them into products/) → review (tell a person what happened).
"""
