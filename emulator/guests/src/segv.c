/* segv: prints a line, flushes stdout, then stores through an invalid
 * pointer. Must die with SIGSEGV (shell status 139). */
#include <stdio.h>

int main(void)
{
    printf("segv: about to write to address 0x10\n");
    fflush(stdout);
    *(volatile int *)0x10 = 1;
    printf("segv: still alive?! this must not happen\n");
    return 0;
}
