#!/usr/bin/env bash
# Convert vs. unzip, measured in one run (the machines are noisy; ratios matter).
#
#   benches/compare.sh [--size-mb N] [--kind html|xml|both] [--seed S] [--dir D] [--no-4x]
#
# For each kind: generates a synthetic export of about N MB (default 1024) and one
# of 4×N MB with `cf2itglue generate`, warms the page cache, then measures
#   (a) unzip -q of the 1× archive into a temp folder (the floor: read + inflate),
#   (b) cf2itglue convert --jobs 1,
#   (c) cf2itglue convert with all cores,
#   (d) cf2itglue convert of the 4× archive with all cores (peak RSS),
# with /usr/bin/time: wall time, CPU time (user+sys), peak RSS; and prints b/a, c/a
# and the 4×/1× peak-RSS ratio. Uses target/release/cf2itglue (built if missing), or
# the binary named by $CF2ITGLUE_BIN. Everything (archives, extraction, bundles, and
# convert's temporary files: TMPDIR) goes under --dir; put it on tmpfs
# (--dir /dev/shm/x) to measure the programs rather than a busy disk. Archives are
# named by kind, size and seed, and reused when present (generate writes each whole or
# not at all). Exits 1 when a measured command fails.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=1024
KINDS="html xml"
SEED=1
DIR=""
FOUR=1
FAILED=0
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
need() { [ "$2" -ge 2 ] || { echo "compare.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
    case "$1" in
        --size-mb) need "$1" $#; SIZE_MB="$2"; shift 2 ;;
        --kind) need "$1" $#
            case "$2" in both) KINDS="html xml" ;; html|xml) KINDS="$2" ;;
                *) echo "compare.sh: --kind must be html, xml or both, not '$2'" >&2; exit 2 ;;
            esac; shift 2 ;;
        --seed) need "$1" $#; SEED="$2"; shift 2 ;;
        --dir) need "$1" $#; DIR="$2"; shift 2 ;;
        --no-4x) FOUR=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$SIZE_MB" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --size-mb must be a whole number of MB, at least 1, not '$SIZE_MB'" >&2; exit 2; }
[[ "$SEED" =~ ^[0-9]+$ ]] || { echo "compare.sh: --seed must be a whole number, not '$SEED'" >&2; exit 2; }

BIN=${CF2ITGLUE_BIN:-target/release/cf2itglue}
[ -x "$BIN" ] || cargo build --release --locked
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 1; }
command -v unzip >/dev/null || { echo "needs unzip" >&2; exit 1; }

if [ -z "$DIR" ]; then DIR=$(mktemp -d "${TMPDIR:-/tmp}/cf2itglue-compare.XXXXXX"); fi
mkdir -p "$DIR"
export TMPDIR="$DIR"
echo "work folder: $DIR   cores: $(nproc)   $(date -u +%FT%TZ)   $($BIN --version)"

# Sizes: a generated export averages ~0.29 MB of attachments per attachment and
# ~25 kB of page HTML per page (~5 kB deflated); ~10 pages and ~3.3 attachments per MB.
gen() { # kind size_mb out
    local pages=$(( $2 * 10 )) atts=$(( $2 * 33 / 10 ))
    if [ ! -s "$3" ]; then
        "$BIN" generate --kind "$1" --pages "$pages" --attachments "$atts" --seed "$SEED" --out "$3" >&2
    fi
}

# measure label cmd... → prints "wall cpu rss_kb status" and keeps a log
measure() {
    local label="$1"; shift
    local out="$DIR/time-$label.txt"
    set +e
    "$TIME" -f "%e %U %S %M" -o "$out" "$@" >"$DIR/log-$label.txt" 2>&1
    local status=$?
    set -e
    read -r wall user sys rss < <(tail -n 1 "$out")
    echo "$wall $(awk "BEGIN{printf \"%.2f\", $user + $sys}") $rss $status"
}

row() { printf "  %-26s %9s %9s %9s  %s\n" "$@"; }
# The machines are shared: print the load (1-minute average) beside each figure.
load() { echo "load $(cut -d' ' -f1 /proc/loadavg)"; }
tput() { awk "BEGIN{printf \"%.1f MB/s\", $1 / 1e6 / $2}"; } # bytes wall
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }

for kind in $KINDS; do
    one="$DIR/$kind-${SIZE_MB}mb-seed$SEED.zip"
    four="$DIR/$kind-$(( SIZE_MB * 4 ))mb-seed$SEED.zip"
    gen "$kind" "$SIZE_MB" "$one"
    [ "$FOUR" = 1 ] && gen "$kind" $(( SIZE_MB * 4 )) "$four"
    cat "$one" > /dev/null   # warm the page cache: every run reads from memory
    echo
    echo "== $kind: $(basename "$one") ($(stat -c %s "$one") bytes, $(unzip -Z1 "$one" | wc -l) entries)"
    echo "  throughput is archive bytes / wall s; cpu = user + sys; ratios: wall (cpu)"
    row "" "wall s" "cpu s" "peak MiB" ""

    rm -rf "$DIR/x"; mkdir "$DIR/x"
    read -r aw ac ar as < <(measure "$kind-unzip" unzip -q "$one" -d "$DIR/x")
    rm -rf "$DIR/x"
    if [ "$as" != 0 ]; then
        echo "  unzip failed (exit $as): $(tail -n 1 "$DIR/log-$kind-unzip.txt")" >&2
        FAILED=1; continue
    fi
    row "(a) unzip -q" "$aw" "$ac" "$(( ar / 1024 ))" "$(tput "$(stat -c %s "$one")" "$aw")  $(load)"

    rm -rf "$DIR/b"
    read -r bw bc br bs < <(measure "$kind-jobs1" "$BIN" convert "$one" --out "$DIR/b" --jobs 1 --quiet)
    rm -rf "$DIR/b"
    if [ "$bs" != 0 ] && [ "$bs" != 3 ]; then
        echo "  convert failed (exit $bs): $(tail -n 1 "$DIR/log-$kind-jobs1.txt")" >&2
        FAILED=1; continue
    fi
    row "(b) convert --jobs 1" "$bw" "$bc" "$(( br / 1024 ))" "$(tput "$(stat -c %s "$one")" "$bw")  b/a $(ratio "$bw" "$aw") (cpu $(ratio "$bc" "$ac"))  $(load)"

    read -r cw cc cr cs < <(measure "$kind-all" "$BIN" convert "$one" --out "$DIR/b" --quiet)
    rm -rf "$DIR/b"
    if [ "$cs" != 0 ] && [ "$cs" != 3 ]; then
        echo "  convert failed (exit $cs): $(tail -n 1 "$DIR/log-$kind-all.txt")" >&2
        FAILED=1; continue
    fi
    row "(c) convert (all cores)" "$cw" "$cc" "$(( cr / 1024 ))" "$(tput "$(stat -c %s "$one")" "$cw")  c/a $(ratio "$cw" "$aw") (cpu $(ratio "$cc" "$ac"))  $(load)"

    if [ "$FOUR" = 1 ]; then
        cat "$four" > /dev/null
        read -r dw dc dr ds < <(measure "$kind-4x" "$BIN" convert "$four" --out "$DIR/b" --quiet)
        rm -rf "$DIR/b"
        if [ "$ds" != 0 ] && [ "$ds" != 3 ]; then
            echo "  convert of the 4× archive failed (exit $ds): $(tail -n 1 "$DIR/log-$kind-4x.txt")" >&2
            FAILED=1; continue
        fi
        row "(d) convert 4× (all cores)" "$dw" "$dc" "$(( dr / 1024 ))" "$(tput "$(stat -c %s "$four")" "$dw")  peak RSS 4×/1× $(ratio "$dr" "$cr")  $(load)"
        echo "  4× archive: $(basename "$four") ($(stat -c %s "$four") bytes, $(ratio "$(stat -c %s "$four")" "$(stat -c %s "$one")")× the 1× archive)"
        if awk "BEGIN{r = $(stat -c %s "$four") / $(stat -c %s "$one"); exit !(r < 3.6 || r > 4.4)}"; then
            echo "  note: the archives are not 4× apart (small sizes vary most): the RSS ratio compares unequal inputs"
        fi
    fi
done
echo
echo "logs and archives kept in $DIR (delete it when done)"
if [ "$FAILED" = 1 ]; then
    echo "compare.sh: a measured command failed (see above and the logs in $DIR)" >&2
    exit 1
fi
