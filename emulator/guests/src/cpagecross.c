/* cpagecross: instructions that straddle a 4 KiB page boundary (RISC-V unprivileged spec 1.5 / 26: with C,
 * 32-bit instructions are only 16-bit aligned, so one may cross a page).
 *   cpagecross static  runs code placed by an aligned text section: compressed instructions up to the last
 *                      halfword of a page, a 32-bit addi and a 32-bit jal that straddle the boundary, a
 *                      compressed branch back across it, and a loop whose body crosses the page.
 *   cpagecross jit     writes such code into an RWX mmap at run time, runs it after fence.i, rewrites one
 *                      immediate that sits across the boundary, runs it again after fence.i.
 * With no argument both run. Prints the results; exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Page-aligned text: 4090 bytes of padding (never executed), then cross_static at page offset 4090. */
__asm__(
    ".pushsection .text.cpagecross, \"ax\", @progbits\n"
    ".balign 4096\n"
    "cross_pad:\n"
    ".fill 2045, 2, 0x0001\n" /* c.nop * 2045 = 4090 bytes */
    ".globl cross_static\n"
    "cross_static:\n"             /* a0 = input; page offset 4090 */
    ".option push\n"
    ".option rvc\n"
    "c.addi a0, 1\n"              /* 4090 */
    "c.addi a0, 2\n"              /* 4092 */
    ".option norvc\n"
    "addi a0, a0, 4\n"            /* 4094: 32-bit, straddles the page boundary */
    ".option rvc\n"
    "c.addi a0, 8\n"              /* next page, offset 2 */
    "c.li a1, 5\n"
    "1:\n"
    "c.addi a0, 16\n"
    "c.addi a1, -1\n"
    "c.bnez a1, 1b\n"
    "c.j 2f\n"
    "3:\n"
    "c.addi a0, 3\n"
    "c.jr ra\n"
    "2:\n"
    ".option norvc\n"
    "jal zero, 3b\n"
    ".option pop\n"
    ".balign 4096\n"
    ".fill 2046, 2, 0x0001\n"     /* cross_loop at page offset 4092 of the next page */
    ".globl cross_loop\n"
    "cross_loop:\n"               /* a0 = n: returns sum 1..n computed by a loop straddling the boundary */
    ".option push\n"
    ".option rvc\n"
    "c.mv t1, a0\n"               /* 4092 */
    "c.li a0, 0\n"                /* 4094: last halfword of the page */
    "4:\n"
    "c.add a0, t1\n"              /* next page */
    "c.addi t1, -1\n"
    ".option norvc\n"
    "bnez t1, 4b\n"
    ".option rvc\n"
    "c.jr ra\n"
    ".option pop\n"
    ".popsection\n");

extern long cross_static(long);
extern long cross_loop(long);

static void run_static(void)
{
    printf("static: cross_static page offset %lu, cross_loop page offset %lu\n",
           (unsigned long)((uintptr_t)cross_static & 4095), (unsigned long)((uintptr_t)cross_loop & 4095));
    printf("static: cross_static(100) = %ld\n", cross_static(100));
    printf("static: cross_loop(1000) = %ld\n", cross_loop(1000));
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t addi(int rd, int rs, int imm)
{
    return ((uint32_t)(imm & 0xfff) << 20) | ((uint32_t)rs << 15) | ((uint32_t)rd << 7) | 0x13;
}

static void run_jit(void)
{
    const size_t page = 4096;
    unsigned char *code = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                               -1, 0);
    if (code == MAP_FAILED)
    {
        printf("jit: mmap failed\n");
        return;
    }
    unsigned char *p = code + page - 6;
    put16(p, 0x0505);              /* c.addi a0, 1 */
    put16(p + 2, 0x0509);          /* c.addi a0, 2 */
    put32(p + 4, addi(10, 10, 1000)); /* addi a0, a0, 1000: straddles */
    put16(p + 8, 0x8082);          /* c.jr ra */
    __asm__ volatile("fence.i" ::: "memory");
    long (*fn)(long) = (long (*)(long))(void *)p;
    printf("jit: first = %ld\n", fn(5));
    put32(p + 4, addi(10, 10, -77)); /* rewrite the straddling instruction */
    __builtin___clear_cache((char *)p, (char *)p + 10);
    printf("jit: after rewrite = %ld\n", fn(5));
    munmap(code, 2 * page);
}

int main(int argc, char **argv)
{
    const int all = argc < 2;
    if (all || strcmp(argv[1], "static") == 0)
    {
        run_static();
    }
    if (all || strcmp(argv[1], "jit") == 0)
    {
        run_jit();
    }
    return 0;
}
