/* cpubench [ROUNDS]: a CPU-bound mix for `lego bench cpu`, small enough to fit
 * any ExCache of a few MiB: per round, a sieve of Eratosthenes over 64 Ki
 * numbers, CRC-32 over 64 KiB, an insertion sort of 2 Ki keys, a string
 * hash/compare loop, a 48x48 integer matrix product and a double-precision
 * dot product with a square root per element. Prints one checksum line per
 * kernel, so any divergence from qemu-riscv64 shows. Default 20 rounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

#define SIEVE_N (64 * 1024)
#define CRC_BYTES (64 * 1024)
#define SORT_N 2048
#define MAT_N 48
#define DOT_N 4096

static uint8_t sieve_bits[SIEVE_N];
static uint8_t crc_data[CRC_BYTES];
static uint32_t crc_table[256];
static int64_t keys[SORT_N];
static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];
static double va[DOT_N], vb[DOT_N];

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t sieve(void)
{
    memset(sieve_bits, 1, sizeof sieve_bits);
    sieve_bits[0] = sieve_bits[1] = 0;
    for (uint32_t i = 2; i * i < SIEVE_N; i++)
        if (sieve_bits[i])
            for (uint32_t j = i * i; j < SIEVE_N; j += i)
                sieve_bits[j] = 0;
    uint64_t count = 0, sum = 0;
    for (uint32_t i = 0; i < SIEVE_N; i++)
        if (sieve_bits[i]) {
            count++;
            sum += i;
        }
    return count * 1000003u + sum;
}

static uint32_t crc32(void)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < CRC_BYTES; i++)
        crc = crc_table[(crc ^ crc_data[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

static uint64_t insertion_sort(void)
{
    for (int i = 0; i < SORT_N; i++)
        keys[i] = (int64_t)(next() % 1000000007u) - 500000000;
    for (int i = 1; i < SORT_N; i++) {
        int64_t k = keys[i];
        int j = i - 1;
        while (j >= 0 && keys[j] > k) {
            keys[j + 1] = keys[j];
            j--;
        }
        keys[j + 1] = k;
    }
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < SORT_N; i += 7)
        h = (h ^ (uint64_t)keys[i]) * 1099511628211ull;
    return h;
}

static uint64_t strings(void)
{
    char a[64], b[64];
    uint64_t h = 0;
    for (int i = 0; i < 4000; i++) {
        snprintf(a, sizeof a, "key-%d-%llx", i, (unsigned long long)(next() & 0xFFFF));
        snprintf(b, sizeof b, "key-%d-%x", i ^ 1, i * 31);
        h = h * 31 + strlen(a) + (strcmp(a, b) < 0 ? 1 : 2);
        for (const char *p = a; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
    }
    return h;
}

static uint64_t matmul(void)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (int32_t)(next() & 0xFF) - 128;
            mb[i][j] = (int32_t)(next() & 0xFF) - 128;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int32_t s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    uint64_t h = 0;
    for (int i = 0; i < MAT_N; i++)
        h = h * 1000003u + (uint32_t)mc[i][(i * 7) % MAT_N];
    return h;
}

static double dot(void)
{
    for (int i = 0; i < DOT_N; i++) {
        va[i] = (double)(next() % 10000) / 100.0;
        vb[i] = (double)(next() % 10000) / 1000.0;
    }
    double s = 0;
    for (int i = 0; i < DOT_N; i++)
        s += va[i] * vb[i] + sqrt(va[i]);
    return s;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    for (size_t i = 0; i < CRC_BYTES; i++)
        crc_data[i] = (uint8_t)next();
    uint64_t s1 = 0, s3 = 0, s4 = 0, s5 = 0;
    uint32_t s2 = 0;
    double s6 = 0;
    for (int r = 0; r < rounds; r++) {
        s1 += sieve();
        s2 ^= crc32() + (uint32_t)r;
        s3 ^= insertion_sort();
        s4 += strings();
        s5 ^= matmul();
        s6 += dot();
    }
    printf("rounds  %d\n", rounds);
    printf("sieve   %llu\n", (unsigned long long)s1);
    printf("crc32   %08x\n", s2);
    printf("sort    %016llx\n", (unsigned long long)s3);
    printf("strings %016llx\n", (unsigned long long)s4);
    printf("matmul  %016llx\n", (unsigned long long)s5);
    printf("dot     %.6f\n", s6);
    return 0;
}
