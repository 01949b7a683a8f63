# title: git: init, add, commit, branch, log in a temporary repository
# needs: git
set -eu
export GIT_CONFIG_NOSYSTEM=1 HOME=$PWD GIT_AUTHOR_NAME=compat GIT_AUTHOR_EMAIL=compat@example.invalid \
    GIT_COMMITTER_NAME=compat GIT_COMMITTER_EMAIL=compat@example.invalid
git init -q -b main repo
cd repo
echo one > a && git add a && git commit -qm first
git checkout -qb topic && echo two >> a && git commit -qam second
git checkout -q main && git merge -q --no-edit topic
[ "$(git log --format=%s | tr '\n' ' ')" = "second first " ]
git gc -q && git fsck --no-progress >/dev/null
echo "ok: git $(git --version | cut -d' ' -f3): init add commit branch merge log gc fsck"
