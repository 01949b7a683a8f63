# Shared by jbox's scripts: finding a JDK >= 22 without starting a JVM.
# Sourced, not run.

# jbox_java_version HOME -> prints the feature version of the JDK at HOME (from its
# `release` file, so no JVM has to start), or nothing.
jbox_java_version() {
    local rel="$1/release" line v
    [ -r "$rel" ] || return 0
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                v=${line#JAVA_VERSION=}; v=${v//\"/}; v=${v%%.*}; v=${v%%-*}
                printf '%s\n' "$v"; return 0 ;;
        esac
    done < "$rel"
}

# jbox_jdk_release HOME -> sets JBOX_JDK_FEATURE (e.g. 25) and JBOX_JDK_RUNTIME (e.g.
# 25.0.3+9-LTS) from the JDK's release file, in this shell: no subshell, no fork (scripts/jbox
# runs on every launch).
jbox_jdk_release() {
    local line v
    JBOX_JDK_FEATURE=""; JBOX_JDK_RUNTIME=""
    [ -r "$1/release" ] || return 0
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                v=${line#JAVA_VERSION=}; v=${v//\"/}; v=${v%%.*}; JBOX_JDK_FEATURE=${v%%-*} ;;
            JAVA_RUNTIME_VERSION=*)
                v=${line#JAVA_RUNTIME_VERSION=}; JBOX_JDK_RUNTIME=${v//\"/} ;;
        esac
    done < "$1/release"
}

# jbox_find_jdk -> sets JBOX_JAVA_HOME to a JDK >= 22: $JAVA_HOME, then /usr/lib/jvm/*
# (newest first), then the `java` on PATH. Returns 1 when there is none.
jbox_find_jdk() {
    local cand v best="" bestv=0 j
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(jbox_java_version "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null && [ -x "$JAVA_HOME/bin/java" ]; then
            JBOX_JAVA_HOME=$JAVA_HOME; return 0
        fi
    fi
    for cand in /usr/lib/jvm/*; do
        [ -x "$cand/bin/java" ] || continue
        v=$(jbox_java_version "$cand")
        if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then
            best=$cand; bestv=$v
        fi
    done
    if [ -n "$best" ]; then JBOX_JAVA_HOME=$best; return 0; fi
    if j=$(command -v java 2>/dev/null); then
        cand=$(dirname "$(dirname "$(readlink -f "$j")")")
        v=$(jbox_java_version "$cand")
        if [ -n "$v" ] && [ "$v" -ge 22 ] 2>/dev/null; then JBOX_JAVA_HOME=$cand; return 0; fi
    fi
    return 1
}

jbox_need_jdk() {
    if ! jbox_find_jdk; then
        echo "jbox: no JDK 22 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, java on PATH);" \
             "install one (Debian: apt-get install openjdk-25-jdk-headless, or Temurin 25) or set JAVA_HOME" >&2
        exit 127
    fi
}

# jbox_apt PKG... -> installs Debian packages that are missing (as root, on Debian/Ubuntu).
jbox_apt() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "jbox: missing packages: ${missing[*]} (install them with your package manager)" >&2
        return 1
    fi
    echo "jbox: installing ${missing[*]} with apt-get" >&2
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || return 1
    fi
}

# The JVM flags jbox starts with (scripts/jbox, and scripts/bench for the same-flags
# baseline): a small serial heap, no perf-data file, -XX:-MaxFDLimit so HotSpot leaves the
# caller's open-files limit alone, and C1 only. See docs/STARTUP.md for what each bought.
JBOX_JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-MaxFDLimit -Xss512k -XX:-UsePerfData)
# `run` and `bwrap` run interpreted (-Xint): their work is short and bounded by the profile,
# and a C1 compiler thread would take the second core from the native warm-up thread
# (docs/STARTUP.md: measured faster, also with a 300-rule profile).
JBOX_LAUNCH_JVM_FLAGS=(-XX:+UseSerialGC -Xint -XX:-MaxFDLimit -Xss512k -XX:-UsePerfData)
