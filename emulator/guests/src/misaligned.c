/* misaligned: loads and stores of every width at every misalignment, inside a page and straddling a page
 * boundary (RISC-V unprivileged spec 2.6: misaligned accesses behave as if done byte by byte in user mode on
 * Linux), integer and floating point, each issued by inline asm. Prints one checksum line per width and a few
 * values; exits 0. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define LOAD(name, insn)                                                   \
    static uint64_t name(const void *p)                                    \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(insn " %0, 0(%1)" : "=r"(r) : "r"(p) : "memory"); \
        return r;                                                          \
    }
#define STORE(name, insn)                                                  \
    static void name(void *p, uint64_t v)                                  \
    {                                                                      \
        __asm__ volatile(insn " %0, 0(%1)" : : "r"(v), "r"(p) : "memory"); \
    }

LOAD(lh_, "lh") LOAD(lhu_, "lhu") LOAD(lw_, "lw") LOAD(lwu_, "lwu") LOAD(ld_, "ld")
STORE(sh_, "sh") STORE(sw_, "sw") STORE(sd_, "sd")

static uint64_t fld_(const void *p)
{
    uint64_t r;
    __asm__ volatile("fld ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
    return r;
}

static uint64_t flw_(const void *p)
{
    uint64_t r;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0" : "=r"(r) : "r"(p) : "ft0", "memory");
    return r;
}

static void fsd_(void *p, uint64_t v)
{
    __asm__ volatile("fmv.d.x ft0, %0\n\tfsd ft0, 0(%1)" : : "r"(v), "r"(p) : "ft0", "memory");
}

static void fsw_(void *p, uint64_t v)
{
    __asm__ volatile("fmv.w.x ft0, %0\n\tfsw ft0, 0(%1)" : : "r"(v), "r"(p) : "ft0", "memory");
}

typedef uint64_t (*load_fn)(const void *);
typedef void (*store_fn)(void *, uint64_t);

static uint64_t fnv(uint64_t h, uint64_t v)
{
    return (h ^ v) * 1099511628211ULL;
}

int main(void)
{
    const size_t page = 4096;
    unsigned char *area = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
    {
        printf("mmap failed\n");
        return 1;
    }
    unsigned char *boundary = area + page; /* offsets around here straddle pages 0/1 */
    for (size_t i = 0; i < 3 * page; i++)
    {
        area[i] = (unsigned char)(i * 7 + 3);
    }
    static const struct { const char *name; load_fn f; int width; } LOADS[] = {
        {"lh", lh_, 2}, {"lhu", lhu_, 2}, {"lw", lw_, 4}, {"lwu", lwu_, 4}, {"ld", ld_, 8},
        {"flw", flw_, 4}, {"fld", fld_, 8},
    };
    for (unsigned k = 0; k < sizeof LOADS / sizeof LOADS[0]; k++)
    {
        uint64_t h = 1469598103934665603ULL;
        for (int off = -16; off <= 16; off++)
        {
            h = fnv(h, LOADS[k].f(boundary + off));
            h = fnv(h, LOADS[k].f(area + 100 + (off & 15)));
        }
        printf("%-4s fnv=%016llx at boundary-3: %016llx\n", LOADS[k].name, (unsigned long long)h,
               (unsigned long long)LOADS[k].f(boundary - 3));
    }
    static const struct { const char *name; store_fn f; int width; } STORES[] = {
        {"sh", sh_, 2}, {"sw", sw_, 4}, {"sd", sd_, 8}, {"fsw", fsw_, 4}, {"fsd", fsd_, 8},
    };
    for (unsigned k = 0; k < sizeof STORES / sizeof STORES[0]; k++)
    {
        for (int off = -9; off <= 9; off++)
        {
            STORES[k].f(boundary + off * 3 + 1, 0x0123456789abcdefULL + (uint64_t)off * 0x1111111111111111ULL + k);
        }
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = page - 64; i < page + 64; i++)
        {
            h = fnv(h, area[i]);
        }
        printf("%-4s stores fnv=%016llx bytes at boundary-2..+2: %02x %02x %02x %02x\n", STORES[k].name,
               (unsigned long long)h, boundary[-2], boundary[-1], boundary[0], boundary[1]);
    }
    /* A struct packed so its fields are misaligned, as compilers emit for __attribute__((packed)). */
    struct __attribute__((packed)) packed
    {
        char c;
        uint64_t q;
        uint32_t w;
        double d;
    };
    struct packed *pk = (struct packed *)(boundary - 5);
    pk->q = 0xfeedfacecafebeefULL;
    pk->w = 0xdeadbeef;
    pk->d = 2.5;
    printf("packed q=%016llx w=%08x d=%g\n", (unsigned long long)pk->q, pk->w, pk->d);
    /* memcpy/memmove with unaligned heads and tails across the boundary */
    memmove(boundary - 37, boundary - 30, 61);
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < 3 * page; i++)
    {
        h = fnv(h, area[i]);
    }
    printf("memmove fnv=%016llx\n", (unsigned long long)h);
    munmap(area, 3 * page);
    return 0;
}
