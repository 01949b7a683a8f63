# title: coreutils: cp, mv, tar, sort, find, xargs
# needs: cp mv tar sort find xargs gzip
set -eu
mkdir -p src/a/b src/c
for i in $(seq 1 200); do echo "line $((i * 7919 % 200))" > "src/a/b/f$i.txt"; done
printf 'z\ny\nx\n' > src/c/list
cp -a src copy
mv copy moved
[ "$(find moved -type f | wc -l)" = 201 ]
tar -czf t.tgz moved && mkdir unpacked && tar -xzf t.tgz -C unpacked
diff -r src unpacked/moved
[ "$(find src -name '*.txt' -print0 | xargs -0 -n 20 -P 2 cat | sort -u | wc -l)" = 200 ]
[ "$(sort src/c/list | head -1)" = x ]
echo data > f && ln -s f l && ln f h && chmod 600 f && touch -d 2001-01-01 f && [ "$(stat -L -c %a:%h l)" = 600:2 ]
echo "ok: cp mv tar sort find xargs ln chmod touch stat"
