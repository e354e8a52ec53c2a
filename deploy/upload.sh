#!/usr/bin/env bash
# Upload the built catalog (site/) to object storage, sending only what changed.
#
#   deploy/upload.sh rclone  REMOTE:BUCKET[/PREFIX]   # rclone, any S3/R2/GCS/MinIO remote
#   deploy/upload.sh aws     s3://BUCKET[/PREFIX]     # the AWS CLI
#   deploy/upload.sh changes REMOTE:BUCKET[/PREFIX]   # rclone, from `ocop changes` lists
#
# Run from the catalog's folder (where mkdocs.yml is), after `ocop build` with
# `host: object-storage`. SITE=other/folder for another site folder.
#
# Content types: the uploaders guess a file's type from its extension with tables that lack
# some of ours (Python's built-in table has no .webp, .geojson, .atom, .woff2); a file stored
# with no type is served as binary/octet-stream and a browser downloads it instead of using
# it. So those extensions go in runs of their own with the type given.
#
# What each way sends after a daily build:
# - rclone sync --checksum compares each file's MD5 with the stored ETag: only changed files go.
# - aws s3 sync compares size and modification time: every file the build rewrote goes, even
#   with the same bytes (a full build rewrites them all).
# - changes: `ocop changes` lists added, changed and deleted files from the build's manifest;
#   rclone sends exactly those, then `ocop changes --mark-uploaded` records the upload.
set -euo pipefail

SITE="${SITE:-site}"
# Extension=type pairs an uploader must be told (site_builder/publishing/content_types.py).
TYPES=(webp=image/webp geojson=application/geo+json atom=application/atom+xml
       woff2=font/woff2 map=application/json)
SHORT="public, max-age=300"  # pages and data: statuses change every day

usage() {
  echo "dùng / usage: $0 rclone|aws|changes ĐÍCH/DESTINATION" >&2
  exit 2
}

[ $# -eq 2 ] || usage
how="$1"
target="${2%/}"
[ -f "$SITE/.ocop-manifest.json" ] || {
  echo "$SITE/ chưa có trang dựng bởi ocop build / $SITE/ holds no site built by ocop build" >&2
  exit 1
}

typed_excludes=()
for pair in "${TYPES[@]}"; do typed_excludes+=(--exclude "*.${pair%%=*}"); done

typed="$(printf '%s|' "${TYPES[@]%%=*}")"
typed="\.(${typed%|})$"  # the typed extensions, as an extended regular expression

case "$how" in
  rclone)
    # Everything but the typed extensions, deleting what the site no longer has; then each
    # typed extension on its own (sync deletes only files its filter takes).
    rclone sync --checksum --fast-list "${typed_excludes[@]}" "$SITE/" "$target/"
    for pair in "${TYPES[@]}"; do
      rclone sync --checksum --fast-list --include "*.${pair%%=*}" \
        --header-upload "Content-Type: ${pair#*=}" "$SITE/" "$target/"
    done
    ;;
  aws)
    aws s3 sync --delete --only-show-errors "${typed_excludes[@]}" \
      --exclude "*.html" --exclude "*.json" "$SITE/" "$target/"
    # Pages and data with a short cache life.
    aws s3 sync --delete --only-show-errors --exclude "*" --include "*.html" \
      --include "*.json" --cache-control "$SHORT" "$SITE/" "$target/"
    for pair in "${TYPES[@]}"; do
      aws s3 sync --delete --only-show-errors --exclude "*" --include "*.${pair%%=*}" \
        --content-type "${pair#*=}" "$SITE/" "$target/"
    done
    ;;
  changes)
    lists="$(mktemp -d)"
    trap 'rm -rf "$lists"' EXIT
    ocop changes --site-dir "$SITE" --list "$lists/upload" --deleted "$lists/delete"
    grep -Ev "$typed" "$lists/upload" > "$lists/plain" || true
    if [ -s "$lists/plain" ]; then
      rclone copy --files-from-raw "$lists/plain" "$SITE/" "$target/"
    fi
    for pair in "${TYPES[@]}"; do
      grep -E "\.${pair%%=*}\$" "$lists/upload" > "$lists/typed" || true
      if [ -s "$lists/typed" ]; then
        rclone copy --files-from-raw "$lists/typed" \
          --header-upload "Content-Type: ${pair#*=}" "$SITE/" "$target/"
      fi
    done
    if [ -s "$lists/delete" ]; then
      rclone delete --files-from-raw "$lists/delete" "$target/"
    fi
    ocop changes --site-dir "$SITE" --mark-uploaded
    ;;
  *)
    usage
    ;;
esac
