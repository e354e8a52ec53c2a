"""``ocop export`` of records that lack what a decision annex does not give: empty cells."""

from __future__ import annotations

import csv
import io

from support.records import annex_record, write_record

from site_builder.problems import Problems
from site_builder.sheets.exporter import export_rows, headers, write_export


def test_an_annex_record_exports_with_empty_cells_never_none(products, tmp_path):
    write_record(products, annex_record(), photo=False)
    problems = Problems()
    [row] = export_rows(products, problems)
    assert not problems
    cells = dict(zip(headers(), row, strict=True))
    for header in ("Câu chuyện sản phẩm", "Bộ sản phẩm", "Xã/phường", "Điện thoại",
                   "GTIN (mã vạch)"):
        assert cells[header] is None, header
    assert (cells["Tên sản phẩm"], cells["Tỉnh/thành phố"], cells["Số sao"]) == (
        "Mật ong hoa nhãn Tân Ninh", "Tây Ninh", 4)
    target = tmp_path / "xuat.csv"
    write_export(target, [row])
    text = target.read_text(encoding="utf-8-sig")
    assert "None" not in text
    [written] = list(csv.DictReader(io.StringIO(text)))
    assert written["Câu chuyện sản phẩm"] == "" and written["Xã/phường"] == ""
