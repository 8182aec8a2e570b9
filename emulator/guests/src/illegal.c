/* illegal: prints a line, then executes an instruction that no RISC-V extension defines (all ones), so the
 * process dies with SIGILL exactly as under Linux or qemu-riscv64 (exit status 132 from a shell). */
#include <stdio.h>

int main(void)
{
    printf("about to execute an illegal instruction\n");
    fflush(stdout);
    __asm__ volatile(".4byte 0xffffffff");
    printf("not reached\n");
    return 0;
}
