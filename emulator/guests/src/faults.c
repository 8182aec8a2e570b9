/* faults: guest deaths reported as Linux reports them (exit status 128+signal, as a shell shows it):
 *   faults stack     unbounded recursion runs off the stack: SIGSEGV (139)
 *   faults rodata    a store into .rodata: SIGSEGV (139)
 *   faults amo       amoadd.d at a misaligned address: SIGBUS (135) (RISC-V unprivileged spec 8.4: AMOs must be
 *                    naturally aligned; Linux delivers SIGBUS for the misaligned-AMO fault)
 *   faults lr        lr.d at a misaligned address: SIGBUS (135)
 *   faults ebreak    ebreak: SIGTRAP (133)
 *   faults term      raise(SIGTERM): 143
 *   faults exit300   exit(300): status 300 & 0xff = 44
 *   faults highaddr  a load from an unmapped high address: SIGSEGV (139)
 * Each mode prints its name first (flushed) so stdout shows how far it got. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int recurse(int n)
{
    volatile char frame[1024];
    frame[0] = (char)n;
    return recurse(n + 1) + frame[0];
}

static const char READ_ONLY[16] = "read only";

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    printf("mode %s\n", mode);
    fflush(stdout);
    static uint64_t cells[2];
    int64_t r = 0;
    if (strcmp(mode, "stack") == 0)
    {
        return recurse(0);
    }
    if (strcmp(mode, "rodata") == 0)
    {
        *(volatile char *)READ_ONLY = 1;
    }
    else if (strcmp(mode, "amo") == 0)
    {
        __asm__ volatile("amoadd.d %0, %1, (%2)" : "=r"(r) : "r"(1L), "r"((char *)cells + 1) : "memory");
    }
    else if (strcmp(mode, "lr") == 0)
    {
        __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"((char *)cells + 4) : "memory");
    }
    else if (strcmp(mode, "ebreak") == 0)
    {
        __asm__ volatile("ebreak");
    }
    else if (strcmp(mode, "term") == 0)
    {
        raise(SIGTERM);
    }
    else if (strcmp(mode, "exit300") == 0)
    {
        exit(300);
    }
    else if (strcmp(mode, "highaddr") == 0)
    {
        r = *(volatile int *)0x7fffffffffff0000ULL;
    }
    printf("survived mode '%s' (%lld)\n", mode, (long long)r);
    return 0;
}
