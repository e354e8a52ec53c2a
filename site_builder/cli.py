"""The ``ocop`` command: check records, build the site, preview it."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from mkdocs.config import load_config

from .build import BuildError, build_site, ocop_plugin, quiet_mkdocs_logging
from .validate import load_catalog, record_paths


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải ngày dạng YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ocop", description="Danh mục sản phẩm OCOP: kiểm tra hồ sơ, dựng trang, xem trước.")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                        help="tệp cấu hình (mặc định: mkdocs.yml)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="kiểm tra mọi hồ sơ trong products/")
    check.add_argument("--as-of", type=_date, help="xét tình trạng tại ngày này (YYYY-MM-DD)")
    check.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ thông báo")

    build = sub.add_parser("build", help="kiểm tra rồi dựng toàn bộ trang web")
    build.add_argument("--as-of", type=_date, help="tính tình trạng chứng nhận tại ngày này")
    build.add_argument("--site-dir", type=Path, help="thư mục kết quả (mặc định: site/)")
    build.add_argument("--draft", action="store_true",
                       help="bản nháp: cho phép site_url mẫu, trang có nhãn 'Bản nháp'")

    serve = sub.add_parser("serve", help="xem trước tại máy, tự dựng lại khi hồ sơ thay đổi")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="địa chỉ:cổng")
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    config = load_config(config_file=str(args.config_file))
    plugin = ocop_plugin(config)
    if args.as_of:
        plugin.config.as_of = args.as_of.isoformat()
    site = plugin.site_config(config)
    catalog, problems = load_catalog(site)
    root = site.products_dir.parent
    for problem in problems.sorted():
        print(problem.format(args.lang, root))
    records = len(record_paths(site.products_dir)) if site.products_dir.is_dir() else 0
    errors, warnings = len(problems.errors), len(problems.warnings)
    if args.lang == "en":
        print(f"{records} records, {len(catalog.products)} valid: {errors} errors, {warnings} warnings")
    else:
        print(f"{records} hồ sơ, {len(catalog.products)} hợp lệ: {errors} lỗi, {warnings} cảnh báo")
    return 1 if errors else 0


def cmd_build(args: argparse.Namespace) -> int:
    quiet_mkdocs_logging()
    started = time.perf_counter()
    try:
        result = build_site(args.config_file, site_dir=args.site_dir, as_of=args.as_of,
                            draft=args.draft)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print("Không dựng trang; thư mục kết quả cũ được giữ nguyên. / Build stopped; the "
              "previous site is unchanged.", file=sys.stderr)
        return 1
    root = args.config_file.resolve().parent
    for warning in result.warnings.sorted():
        print(warning.format("vi", root))
    elapsed = time.perf_counter() - started
    print(f"Đã dựng {result.products} sản phẩm: {result.pages} trang, {result.files} tệp "
          f"(truy xuất, mã QR, ảnh) vào {result.site_dir} trong {elapsed:.1f} giây.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    quiet_mkdocs_logging()
    print(f"Xem trước tại http://{args.dev_addr}/ (Ctrl+C để dừng)")
    serve(config_file=str(args.config_file), dev_addr=args.dev_addr, livereload=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.config_file.is_file():
        print(f"không tìm thấy {args.config_file} / {args.config_file} not found", file=sys.stderr)
        return 2
    handlers = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
