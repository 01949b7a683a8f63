# Shared by jbox's scripts: finding a JDK >= 22 without starting a JVM, installing packages,
# and starting jbox's one launcher as scripts/jbox does. Sourced, not run.

# jbox's launcher (src/dist/bin/jbox): the JVM flags and the variables every launch gets come
# from it, never from a copy here.
# (absolute: the AOT training runs it from another directory)
case ${BASH_SOURCE[0]} in
    /*/*) jbox_launcher_file=${BASH_SOURCE[0]%/*}/../src/dist/bin/jbox ;;
    */*) jbox_launcher_file=$PWD/${BASH_SOURCE[0]%/*}/../src/dist/bin/jbox ;;
    *) jbox_launcher_file=$PWD/../src/dist/bin/jbox ;;
esac

# jbox_jdk_release HOME -> sets JBOX_JDK_FEATURE (e.g. 25) and JBOX_JDK_RUNTIME (e.g.
# 25.0.3+9-LTS) from the JDK's release file (both empty without one), in this shell: no
# subshell, no fork (scripts/jbox runs on every launch). The one reader of JAVA_VERSION.
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

# jbox_jdk_at_least_22 HOME -> true when the JDK at HOME is 22 or newer (its release file).
jbox_jdk_at_least_22() {
    jbox_jdk_release "$1"
    [ -n "$JBOX_JDK_FEATURE" ] && [ "$JBOX_JDK_FEATURE" -ge 22 ] 2>/dev/null
}

# jbox_find_jdk -> sets JBOX_JAVA_HOME to a JDK >= 22: $JAVA_HOME, then /usr/lib/jvm/*
# (newest first), then the `java` on PATH. Returns 1 when there is none.
jbox_find_jdk() {
    local cand best="" bestv=0 j
    if [ -n "${JAVA_HOME:-}" ] && jbox_jdk_at_least_22 "$JAVA_HOME" && [ -x "$JAVA_HOME/bin/java" ]; then
        JBOX_JAVA_HOME=$JAVA_HOME; return 0
    fi
    for cand in /usr/lib/jvm/*; do
        [ -x "$cand/bin/java" ] || continue
        if jbox_jdk_at_least_22 "$cand" && [ "$JBOX_JDK_FEATURE" -gt "$bestv" ]; then
            best=$cand; bestv=$JBOX_JDK_FEATURE
        fi
    done
    if [ -n "$best" ]; then JBOX_JAVA_HOME=$best; return 0; fi
    if j=$(command -v java 2>/dev/null); then
        cand=$(dirname "$(dirname "$(readlink -f "$j")")")
        if jbox_jdk_at_least_22 "$cand"; then JBOX_JAVA_HOME=$cand; return 0; fi
    fi
    return 1
}

jbox_need_jdk() {
    if ! jbox_find_jdk; then
        # Debian 12 ships Java 17 only: Temurin from Adoptium's apt repository is a JDK a user can
        # get there (Ubuntu 24.04+ also has openjdk-25-jdk-headless); an installed jbox needs none.
        echo "jbox: no JDK 22 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, java on PATH)." >&2
        echo "  Install one: Temurin 25 from Adoptium's apt repository (Debian/Ubuntu:" \
             "https://adoptium.net/installation/linux/ , then apt-get install temurin-25-jdk;" \
             "Ubuntu 24.04+: apt-get install openjdk-25-jdk-headless), or set JAVA_HOME." >&2
        echo "  Or install jbox itself, which brings its own runtime: the .deb or tarball built by" \
             "scripts/package on a machine with a JDK (README: Install)." >&2
        exit 127
    fi
}

# jbox_apt PKG... -> installs Debian packages that are missing (as root, on Debian/Ubuntu,
# unless JBOX_NO_INSTALL=1), saying so first; returns 1 when some are missing and not installed.
jbox_apt() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || [ "${JBOX_NO_INSTALL:-0}" = 1 ]; then
        echo "jbox: missing packages: ${missing[*]} (install them with your package manager)" >&2
        return 1
    fi
    echo "jbox: installing ${missing[*]} with apt-get (JBOX_NO_INSTALL=1 turns that off)" >&2
    # (waiting while another apt or dpkg on the machine holds the lock)
    if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" \
            >/dev/null 2>&1; then
        apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null \
            || return 1
    fi
}

# The JVM flags jbox starts with (JBOX_JVM_FLAGS, JBOX_LAUNCH_JVM_FLAGS), as arrays, read from
# the two lines of jbox's one launcher that define them, so scripts/jbox, the installed jbox,
# the AOT training and scripts/bench all use the same ones.
while IFS= read -r jbox_line; do
    case $jbox_line in
        JBOX_JVM_FLAGS=\"*\"|JBOX_LAUNCH_JVM_FLAGS=\"*\") eval "$jbox_line" ;;
    esac
done < "$jbox_launcher_file"
read -ra JBOX_JVM_FLAGS <<< "${JBOX_JVM_FLAGS:?the launcher src/dist/bin/jbox defines no JBOX_JVM_FLAGS}"
read -ra JBOX_LAUNCH_JVM_FLAGS <<< "${JBOX_LAUNCH_JVM_FLAGS:?the launcher src/dist/bin/jbox defines no JBOX_LAUNCH_JVM_FLAGS}"
unset jbox_line

# jbox_via_launcher JAVA JAR AOT MAIN JVM_OPTION ARGS... -> starts MAIN ARGS through jbox's launcher
# as scripts/jbox does (sourced, in a shell of its own: the launcher reads that shell's fds,
# limits and environment), with JAVA, JAR and the AOT cache AOT (empty: none), MAIN as the main
# class and JVM_OPTION (empty: none) as one more JVM option; JBOX_SELF is a stand-in next to JAR.
# Whatever the launcher hands a launch (JBOX_CALLER_FDS, JBOX_NOFILE_SOFT, JBOX_SELF,
# JBOX_CALLER_ENV, ...) the run gets from the launcher itself.
jbox_via_launcher() {
    bash -c 'jbox_java=$1 jbox_jar=$2 jbox_aot=$3 jbox_main=$4 jbox_jvm_option=$5 jbox_self=${2%/*}/bin/jbox
        jbox_launch=$$ jbox_file=$6; shift 6; . "$jbox_file"' jbox "$1" "$2" "$3" "$4" "$5" "$jbox_launcher_file" "${@:6}"
}

# jbox_train_aot JAVA JAR AOT DIR -> trains jbox's AOT cache for exactly that java and jar
# into AOT (JDK 25+); returns 1 when the training fails (jbox then starts without a cache).
# The training run (dev.jbox.cli.AotTraining) takes the whole launch path of `run` and of
# `bwrap` and stops just before execve (a run that execs writes no cache), in a neutral
# directory DIR: no jbox.toml, no user config, a stand-in bwrap that only answers --help (the
# dry run checks it for --seccomp and never runs it). It starts through jbox's launcher
# (jbox_via_launcher), so it has every variable a launch has: a class that only a launch loads
# would be read from the jar at every launch (as the open-files limit's was).
# A first dry run fills that check's cache, so the training run takes the path a launch
# takes: the cached answer, not a `bwrap --help` process.
jbox_train_aot() {
    local java=$1 jar=$2 aot=$3 train=$4
    rm -f "$aot" "$aot.tmp"
    mkdir -p "$train" || return 1
    printf '#!/bin/sh\n# stand-in for bwrap while jbox trains its AOT cache\necho "    --seccomp FD"\n' > "$train/bwrap"
    chmod +x "$train/bwrap"
    if (cd "$train" && unset JAVA_TOOL_OPTIONS _JAVA_OPTIONS JDK_JAVA_OPTIONS \
            && export JBOX_BWRAP="$train/bwrap" JBOX_PROFILE= XDG_CONFIG_HOME="$train" \
            XDG_CACHE_HOME="$train/cache" XDG_STATE_HOME="$train/state" HOME="$train" \
            && jbox_via_launcher "$java" "$jar" "" dev.jbox.cli.Main "" run --dry-run -- true >/dev/null 2>&1 \
            && jbox_via_launcher "$java" "$jar" "" dev.jbox.cli.AotTraining -XX:AOTCacheOutput="$aot.tmp" \
            bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-all --share-net --die-with-parent \
            --new-session --setenv JBOX_TRAINING 1 --chdir / -- true >/dev/null 2>&1) && [ -f "$aot.tmp" ]; then
        mv -f "$aot.tmp" "$aot"
        return 0
    fi
    rm -f "$aot.tmp"
    return 1
}
