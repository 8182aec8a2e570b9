/* intops: RV64IM integer edge cases, each instruction issued by inline asm so the compiler cannot fold it.
 * Division by zero and overflow (RISC-V unprivileged spec, 13.2 "Division Operations"), shift amounts masked
 * to 6 (or 5 for W ops) bits, mulh/mulhsu/mulhu, 32-bit W ops sign-extending their results, and sign/zero
 * extension by loads. Prints one line per case; exits 0. */
#include <stdint.h>
#include <stdio.h>

#define RR(op)                                                                   \
    static int64_t op##_(int64_t a, int64_t b)                                   \
    {                                                                            \
        int64_t r;                                                               \
        __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));          \
        return r;                                                                \
    }

RR(div) RR(divu) RR(rem) RR(remu) RR(divw) RR(divuw) RR(remw) RR(remuw)
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(mulw)
RR(sll) RR(srl) RR(sra) RR(sllw) RR(srlw) RR(sraw)
RR(add) RR(sub) RR(addw) RR(subw) RR(slt) RR(sltu)

typedef int64_t (*binop)(int64_t, int64_t);

static const int64_t VALUES[] = {
    0, 1, -1, 2, -2, 3, 7, -7, 0x7fffffffLL, -0x80000000LL, 0x80000000LL, 0xffffffffLL,
    INT64_MAX, INT64_MIN, 0x123456789abcdef0LL, -0x123456789abcdefLL, 63, 64, 65, 31, 32, 33,
};
#define NVALUES (sizeof VALUES / sizeof VALUES[0])

static void table(const char *name, binop f)
{
    uint64_t hash = 1469598103934665603ULL;
    for (unsigned i = 0; i < NVALUES; i++)
    {
        for (unsigned j = 0; j < NVALUES; j++)
        {
            const uint64_t r = (uint64_t)f(VALUES[i], VALUES[j]);
            hash = (hash ^ r) * 1099511628211ULL;
        }
    }
    printf("%-7s fnv=%016llx\n", name, (unsigned long long)hash);
}

static void show(const char *name, binop f, int64_t a, int64_t b)
{
    printf("%-7s %20lld %20lld -> %20lld (0x%016llx)\n", name, (long long)a, (long long)b,
           (long long)f(a, b), (unsigned long long)f(a, b));
}

static int64_t imm_ops(int64_t a)
{
    int64_t r1, r2, r3, r4, r5, r6;
    __asm__ volatile("addiw %0, %1, -1" : "=r"(r1) : "r"(a));
    __asm__ volatile("slliw %0, %1, 31" : "=r"(r2) : "r"(a));
    __asm__ volatile("srliw %0, %1, 1" : "=r"(r3) : "r"(a));
    __asm__ volatile("sraiw %0, %1, 31" : "=r"(r4) : "r"(a));
    __asm__ volatile("srai %0, %1, 63" : "=r"(r5) : "r"(a));
    __asm__ volatile("sltiu %0, %1, -1" : "=r"(r6) : "r"(a));
    printf("imm     %20lld -> %lld %lld %lld %lld %lld %lld\n", (long long)a, (long long)r1, (long long)r2,
           (long long)r3, (long long)r4, (long long)r5, (long long)r6);
    return r1 ^ r2 ^ r3 ^ r4 ^ r5 ^ r6;
}

static void loads(void)
{
    static volatile unsigned char bytes[16] = {0x80, 0xff, 0x7f, 0x01, 0xfe, 0xff, 0xff, 0xff,
                                               0x00, 0x00, 0x00, 0x80, 0x55, 0xaa, 0x00, 0xff};
    volatile unsigned char *p = bytes;
    int64_t lb, lbu, lh, lhu, lw, lwu, ld;
    __asm__ volatile("lb %0, 0(%1)" : "=r"(lb) : "r"(p));
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(lbu) : "r"(p));
    __asm__ volatile("lh %0, 0(%1)" : "=r"(lh) : "r"(p));
    __asm__ volatile("lhu %0, 0(%1)" : "=r"(lhu) : "r"(p));
    __asm__ volatile("lw %0, 4(%1)" : "=r"(lw) : "r"(p));
    __asm__ volatile("lwu %0, 4(%1)" : "=r"(lwu) : "r"(p));
    __asm__ volatile("ld %0, 8(%1)" : "=r"(ld) : "r"(p));
    printf("loads   lb=%lld lbu=%lld lh=%lld lhu=%lld lw=%lld lwu=%lld ld=0x%016llx\n", (long long)lb,
           (long long)lbu, (long long)lh, (long long)lhu, (long long)lw, (long long)lwu, (unsigned long long)ld);
    int32_t narrow = (int32_t)0x89abcdef;
    volatile int64_t sext = narrow;
    volatile uint64_t zext = (uint32_t)narrow;
    volatile int8_t c = (int8_t)0x9c;
    volatile int16_t s = (int16_t)0x8001;
    printf("extend  sext=%lld zext=%llu c=%d s=%d uc=%u us=%u\n", (long long)sext, (unsigned long long)zext, c, s,
           (unsigned char)c, (unsigned short)s);
}

static void lui_auipc(void)
{
    int64_t r1, r2;
    __asm__ volatile("lui %0, 0x80000" : "=r"(r1));
    __asm__ volatile("lui %0, 0xfffff" : "=r"(r2));
    printf("lui     0x%016llx 0x%016llx\n", (unsigned long long)r1, (unsigned long long)r2);
}

int main(void)
{
    static const struct { const char *name; binop f; } OPS[] = {
        {"div", div_}, {"divu", divu_}, {"rem", rem_}, {"remu", remu_},
        {"divw", divw_}, {"divuw", divuw_}, {"remw", remw_}, {"remuw", remuw_},
        {"mul", mul_}, {"mulh", mulh_}, {"mulhsu", mulhsu_}, {"mulhu", mulhu_}, {"mulw", mulw_},
        {"sll", sll_}, {"srl", srl_}, {"sra", sra_}, {"sllw", sllw_}, {"srlw", srlw_}, {"sraw", sraw_},
        {"add", add_}, {"sub", sub_}, {"addw", addw_}, {"subw", subw_}, {"slt", slt_}, {"sltu", sltu_},
    };
    for (unsigned k = 0; k < sizeof OPS / sizeof OPS[0]; k++)
    {
        table(OPS[k].name, OPS[k].f);
    }
    /* The spec's table 13.1: x/0 = -1 (all ones), x%0 = x, overflow: MIN/-1 = MIN, MIN%-1 = 0. */
    show("div", div_, 42, 0);
    show("divu", divu_, 42, 0);
    show("rem", rem_, -42, 0);
    show("remu", remu_, 42, 0);
    show("div", div_, INT64_MIN, -1);
    show("rem", rem_, INT64_MIN, -1);
    show("divw", divw_, -0x80000000LL, -1);
    show("remw", remw_, -0x80000000LL, -1);
    show("divw", divw_, 42, 0);
    show("divuw", divuw_, 0x80000000LL, 0);
    show("remw", remw_, 0x1ffffffffLL, 0);
    show("remuw", remuw_, 0x1fffffff0LL, 0);
    show("divuw", divuw_, -1, 2);
    show("mulh", mulh_, INT64_MIN, INT64_MIN);
    show("mulhsu", mulhsu_, -1, -1);
    show("mulhu", mulhu_, -1, -1);
    show("mulw", mulw_, 0x7fffffff, 2);
    show("sll", sll_, 1, 65);
    show("sra", sra_, INT64_MIN, 127);
    show("srlw", srlw_, -1, 33);
    show("sraw", sraw_, 0x80000000LL, 32);
    show("addw", addw_, 0x7fffffff, 1);
    show("subw", subw_, -0x80000000LL, 1);
    int64_t acc = 0;
    for (unsigned i = 0; i < NVALUES; i++)
    {
        acc ^= imm_ops(VALUES[i]);
    }
    printf("imm acc 0x%016llx\n", (unsigned long long)acc);
    loads();
    lui_auipc();
    return 0;
}
