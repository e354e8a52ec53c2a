#!/usr/bin/env bash
# Upload the built catalog (site/), sending only what changed.
#
#   deploy/upload.sh rclone  REMOTE:BUCKET[/PREFIX]   # rclone, any S3/R2/GCS/MinIO remote
#   deploy/upload.sh aws     s3://BUCKET[/PREFIX]     # the AWS CLI (R2, MinIO: AWS_ENDPOINT_URL)
#   deploy/upload.sh changes REMOTE:BUCKET[/PREFIX]   # rclone, from `ocop changes` lists
#   deploy/upload.sh pages   PROJECT                  # Cloudflare Pages, with wrangler
#
# Run from the catalog's folder (where mkdocs.yml is), after `ocop build` with
# `host: object-storage` (`host: cloudflare` for pages). SITE=other/folder for another site
# folder.
#
# Every mode sends each file with the same headers, and never the build's own files
# (.ocop-manifest.json, .ocop-site), which it also removes from the bucket if an earlier
# upload left them there:
# - Content-Type: the uploaders guess it from the extension with tables that lack some of ours
#   (Python's built-in table has no .webp, .geojson, .atom, .woff2); a file stored with no type
#   is served as binary/octet-stream and a browser downloads it instead of using it. Those
#   extensions get their type given (site_builder/publishing/content_types.py), and so do the
#   GS1 resolver's files: a linkset (.linkset.json, which they would store as plain JSON) and
#   the description file .well-known/gs1resolver, which has no extension.
# - Cache-Control (site_builder/publishing/cache_lives.py): five minutes for pages, data,
#   badges and codes, since a status can change any day; a day for photos and documents; a
#   year for the theme's files with a hash in their name.
# So the files go in runs, one per kind (RUNS below).
#
# What each way sends after a daily build:
# - rclone sync --checksum compares each file's MD5 with the stored ETag: only changed files go.
# - aws s3 sync compares size and modification time: every file the build rewrote goes, even
#   with the same bytes (a full build rewrites them all).
# - changes: `ocop changes` lists added, changed and deleted files from the build's manifest;
#   rclone sends exactly those, then `ocop changes --mark-uploaded` records the upload.
# Files stored by an earlier version of this script keep the headers they were stored with
# until they change: RCLONE_IGNORE_TIMES=true with the rclone mode sends them all once more.
set -euo pipefail

SITE="${SITE:-site}"
SHORT="public, max-age=300"
DAY="public, max-age=86400"
YEAR="public, max-age=31536000, immutable"
HASH="[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
# The runs of an upload, each "file name patterns|Content-Type (empty: the uploader's
# guess)|Cache-Control". A file goes in the first run one of whose patterns its name matches;
# the last run takes the rest.
RUNS=(
  "*.${HASH}.min.css *.${HASH}.min.js||$YEAR"
  "*.webp|image/webp|$DAY"
  "*.jpg *.png *.pdf||$DAY"
  "*.geojson|application/geo+json|$SHORT"
  "*.atom|application/atom+xml|$SHORT"
  "*.woff2|font/woff2|$SHORT"
  "*.map|application/json|$SHORT"
  "*.linkset.json|application/linkset+json|$SHORT"
  "*gs1resolver|application/json|$SHORT"
  "*||$SHORT"
)
OWN=".ocop-*"  # the build's own files, in the site's root: never published

usage() {
  echo "dùng / usage: $0 rclone|aws|changes|pages ĐÍCH/DESTINATION" >&2
  exit 2
}

[ $# -eq 2 ] || usage
how="$1"
target="${2%/}"
[ -f "$SITE/.ocop-manifest.json" ] || {
  echo "$SITE/ chưa có trang dựng bởi ocop build / $SITE/ holds no site built by ocop build" >&2
  exit 1
}

# The parts of run $1: its patterns (array `patterns`), its type and its cache life.
run_parts() {
  local fields
  IFS='|' read -r -a fields <<< "${RUNS[$1]}"
  read -r -a patterns <<< "${fields[0]}"
  content_type="${fields[1]:-}"
  cache_control="${fields[2]}"
}

# The headers of run $1, as rclone's --header-upload flags (array `headers`).
rclone_headers() {
  run_parts "$1"
  headers=(--header-upload "Cache-Control: $cache_control")
  if [ -n "$content_type" ]; then headers+=(--header-upload "Content-Type: $content_type"); fi
}

# The index of the run the site path $1 goes in, as `run`.
run_of() {
  local pattern name="${1##*/}"
  for ((run = 0; run < ${#RUNS[@]}; run++)); do
    run_parts "$run"
    for pattern in "${patterns[@]}"; do
      # shellcheck disable=SC2053  # the right side is a pattern
      if [[ $name == $pattern ]]; then return; fi
    done
  done
}

# The build's own files in the site, one a line, into the file $1.
own_files() {
  (cd "$SITE" && for file in $OWN; do if [ -f "$file" ]; then echo "$file"; fi; done) > "$1"
}

lists="$(mktemp -d)"
trap 'rm -rf "$lists"' EXIT
own_files "$lists/own"

case "$how" in
  rclone)
    # Run by run, each deleting what the site no longer has of its kind (sync deletes only
    # files its filter takes).
    for ((i = 0; i < ${#RUNS[@]}; i++)); do
      filters=(--exclude "/$OWN")
      for ((j = 0; j < i; j++)); do
        run_parts "$j"
        for pattern in "${patterns[@]}"; do filters+=(--exclude "$pattern"); done
      done
      run_parts "$i"
      for pattern in "${patterns[@]}"; do filters+=(--include "$pattern"); done
      rclone_headers "$i"
      rclone sync --checksum --fast-list "${filters[@]}" "${headers[@]}" "$SITE/" "$target/"
    done
    if [ -s "$lists/own" ]; then rclone delete --files-from-raw "$lists/own" "$target/"; fi
    ;;
  aws)
    for ((i = 0; i < ${#RUNS[@]}; i++)); do
      run_parts "$i"
      filters=(--exclude "*")
      for pattern in "${patterns[@]}"; do filters+=(--include "$pattern"); done
      for ((j = 0; j < i; j++)); do
        run_parts "$j"
        for pattern in "${patterns[@]}"; do filters+=(--exclude "$pattern"); done
      done
      filters+=(--exclude "$OWN")
      run_parts "$i"
      given=(--cache-control "$cache_control")
      if [ -n "$content_type" ]; then given+=(--content-type "$content_type"); fi
      aws s3 sync --delete --only-show-errors "${filters[@]}" "${given[@]}" "$SITE/" "$target/"
    done
    while IFS= read -r file; do
      aws s3 rm --only-show-errors "$target/$file"
    done < "$lists/own"
    ;;
  changes)
    ocop changes --site-dir "$SITE" --list "$lists/upload" --deleted "$lists/delete"
    # Each file listed in the run it would go in with rclone sync.
    for ((i = 0; i < ${#RUNS[@]}; i++)); do : > "$lists/run$i"; done
    while IFS= read -r path; do
      # shellcheck disable=SC2053  # the right side is a pattern
      if [[ $path == $OWN ]]; then continue; fi
      run_of "$path"
      echo "$path" >> "$lists/run$run"
    done < "$lists/upload"
    for ((i = 0; i < ${#RUNS[@]}; i++)); do
      if [ -s "$lists/run$i" ]; then
        rclone_headers "$i"
        rclone copy --files-from-raw "$lists/run$i" "${headers[@]}" "$SITE/" "$target/"
      fi
    done
    cat "$lists/own" >> "$lists/delete"
    if [ -s "$lists/delete" ]; then rclone delete --files-from-raw "$lists/delete" "$target/"; fi
    ocop changes --site-dir "$SITE" --mark-uploaded
    ;;
  pages)
    # Cloudflare Pages publishes every file of the folder it is given (reading _redirects and
    # _headers from it): it gets the site without the build's own files.
    mkdir "$lists/site"
    cp -a "$SITE/." "$lists/site/"
    rm -f "$lists/site"/$OWN "$lists/site/.assetsignore"
    wrangler pages deploy "$lists/site" --project-name "$target"
    ;;
  *)
    usage
    ;;
esac
