# title: gcc -fsanitize=address: a program checked by AddressSanitizer and LeakSanitizer
# needs: gcc
# refuses: ptrace
# expect-fail: minimal strict nested
# match: LeakSanitizer|ptrace
set -eu
printf '#include <stdlib.h>\n#include <stdio.h>\nint main(void) { char *p = malloc(64); p[63] = 1; free(p); puts("ok: ASan + LSan, no errors"); return 0; }\n' > a.c
gcc -fsanitize=address -g a.c -o a
./a
