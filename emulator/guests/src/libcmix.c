/* libcmix: libc paths that lean on the ABI: setjmp/longjmp (callee-saved x and f registers restored),
 * printf/scanf/strtod of floats, qsort with a comparator, and large malloc/free (mmap-backed chunks above
 * glibc's M_MMAP_THRESHOLD, then brk-backed small ones). Reads a few numbers from stdin when given "-".
 * Exits 0, or 3 if a self-check fails. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf env;
static int depth_reached;

static void recurse(int depth)
{
    volatile double local = depth * 1.5;
    depth_reached = depth;
    if (depth == 50)
    {
        longjmp(env, depth + (int)local);
    }
    recurse(depth + 1);
}

static int check_setjmp(void)
{
    register double keep_f = 2.75;
    volatile long keep = 12345;
    const int rc = setjmp(env);
    if (rc == 0)
    {
        recurse(0);
        return 1;
    }
    printf("longjmp returned %d after depth %d, keep=%ld keep_f=%g\n", rc, depth_reached, keep, keep_f);
    jmp_buf again;
    if (setjmp(again) == 0)
    {
        longjmp(again, 0); /* longjmp with 0 makes setjmp return 1 */
    }
    else
    {
        printf("longjmp(.., 0) made setjmp return nonzero\n");
    }
    return 0;
}

static void check_printf(void)
{
    static const double DS[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3, 2.5, -2.5, 1e300, 1e-300, 4.9e-324, DBL_MAX, DBL_MIN,
                                123456789.125, 0.000123456, 1e21, 9007199254740993.0};
    for (unsigned i = 0; i < sizeof DS / sizeof DS[0]; i++)
    {
        const double d = DS[i];
        printf("%g|%e|%.17g|%a|%f|%10.3f|%-12.4e|%+.0f\n", d, d, d, d, i == 7 || i == 10 ? 0.0 : d, d, d, d);
    }
    printf("%g %g %g %g\n", INFINITY, -INFINITY, NAN, -NAN);
    printf("%f %Lg %.20Lf\n", (double)3.14159f, (long double)1 / 3, (long double)1 / 7);
    char buf[64];
    snprintf(buf, sizeof buf, "%.30f", 0.1);
    printf("snprintf %s\n", buf);
}

static void check_strtod(void)
{
    static const char *IN[] = {"0", "-0", "1e-400", "1e400", "0x1.8p3", "  3.14159xyz", "inf", "-nan", "4.9e-324",
                               "2.2250738585072011e-308", "1.7976931348623157e308", "123456789012345678901234567890",
                               "0.1e1", ".5", "5.", "1e+", "abc", "0x", "nan(123)"};
    for (unsigned i = 0; i < sizeof IN / sizeof IN[0]; i++)
    {
        char *end;
        const double d = strtod(IN[i], &end);
        const float f = strtof(IN[i], NULL);
        const long double ld = strtold(IN[i], NULL);
        printf("strtod(\"%s\") = %a (%g) consumed %d, strtof %a, strtold %La\n", IN[i], d, d, (int)(end - IN[i]),
               (double)f, ld);
    }
    double a;
    float b;
    int n;
    char word[16];
    const int got = sscanf("  -12.5e-1 0x1p-2 42 rest", "%lf %f %d %15s", &a, &b, &n, word);
    printf("sscanf %d: %g %g %d %s\n", got, a, (double)b, n, word);
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

struct rec
{
    char name[8];
    int key;
};

static int cmp_rec(const void *x, const void *y)
{
    const struct rec *a = x, *b = y;
    if (a->key != b->key)
    {
        return a->key - b->key;
    }
    return strcmp(a->name, b->name);
}

static void check_qsort(void)
{
    enum { N = 5000 };
    static double d[N];
    static struct rec r[N];
    uint64_t s = 88172645463325252ULL;
    for (int i = 0; i < N; i++)
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        d[i] = (double)(int64_t)s / 1e9;
        r[i].key = (int)(s % 97);
        snprintf(r[i].name, sizeof r[i].name, "r%05d", (int)(s % 100000));
    }
    qsort(d, N, sizeof d[0], cmp_double);
    qsort(r, N, sizeof r[0], cmp_rec);
    int sorted = 1;
    double sum = 0;
    for (int i = 1; i < N; i++)
    {
        sorted &= d[i - 1] <= d[i];
        sorted &= cmp_rec(&r[i - 1], &r[i]) <= 0;
        sum += d[i];
    }
    printf("qsort sorted=%d min=%.6f max=%.6f sum=%.3f first=%s/%d last=%s/%d\n", sorted, d[0], d[N - 1], sum,
           r[0].name, r[0].key, r[N - 1].name, r[N - 1].key);
}

static int check_malloc(void)
{
    /* Large blocks come from mmap, smaller ones from brk; touch every page and check the contents. */
    static const size_t SIZES[] = {8u << 20, 3u << 20, 200000, 129 * 1024, 4096, 17, 1u << 20};
    unsigned char *blocks[sizeof SIZES / sizeof SIZES[0]];
    for (unsigned i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
    {
        blocks[i] = malloc(SIZES[i]);
        if (blocks[i] == NULL)
        {
            printf("malloc(%zu) failed\n", SIZES[i]);
            return 1;
        }
        for (size_t off = 0; off < SIZES[i]; off += 4096)
        {
            blocks[i][off] = (unsigned char)(i * 31 + off / 4096);
        }
        blocks[i][SIZES[i] - 1] = 0xa5;
    }
    unsigned long sum = 0;
    for (unsigned i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
    {
        for (size_t off = 0; off < SIZES[i]; off += 4096)
        {
            sum += blocks[i][off];
        }
        sum += blocks[i][SIZES[i] - 1];
        free(blocks[i]);
    }
    void *c = calloc(1000, 1000);
    int zero = 1;
    for (int i = 0; i < 1000000; i += 999)
    {
        zero &= ((unsigned char *)c)[i] == 0;
    }
    c = realloc(c, 10u << 20);
    ((char *)c)[(10u << 20) - 1] = 1;
    free(c);
    for (int round = 0; round < 3; round++)
    {
        void *p = malloc(4u << 20);
        memset(p, round, 4u << 20);
        sum += ((unsigned char *)p)[12345];
        free(p);
    }
    printf("malloc sum=%lu calloc-zero=%d\n", sum, zero);
    return 0;
}

int main(int argc, char **argv)
{
    int failures = check_setjmp();
    check_printf();
    check_strtod();
    check_qsort();
    failures += check_malloc();
    if (argc > 1 && strcmp(argv[1], "-") == 0)
    {
        double x, total = 0;
        int count = 0;
        while (scanf("%lf", &x) == 1)
        {
            total += x;
            count++;
            printf("read %.10g\n", x);
        }
        printf("stdin: %d numbers, total %.17g\n", count, total);
    }
    return failures ? 3 : 0;
}
