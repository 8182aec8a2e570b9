/* exitcode N: prints a line to stdout and to stderr, then exits with status N
 * (taken modulo 256 by the kernel). Tests exit status propagation. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = 0;
    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 10);
        if (*end != '\0') {
            fprintf(stderr, "exitcode: bad number '%s'\n", argv[1]);
            return 2;
        }
    }
    printf("exitcode: exiting with status %ld\n", n);
    fprintf(stderr, "exitcode: this line goes to stderr\n");
    fflush(stdout);
    return (int)n;
}
