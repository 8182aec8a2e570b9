/* matmul [N [SEED]]: multiplies two N x N double matrices filled from a
 * xorshift64 PRNG (values in [-1, 1)) with the naive i-k-j loop, prints the
 * trace and the sum of all elements with %.6f and a few elements with %.17g.
 * Then does the same for 64-bit integer matrices (wrapping arithmetic) and
 * prints their trace and an FNV-1a checksum. Default N = 128, SEED = 42. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static uint64_t state;

static uint64_t xorshift64(void)
{
    uint64_t x = state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return state = x;
}

/* 53 random bits -> [0,1) -> [-1,1); exact, independent of libm. */
static double rand_double(void)
{
    return (double)(xorshift64() >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p) {
        fprintf(stderr, "matmul: out of memory\n");
        exit(1);
    }
    return p;
}

int main(int argc, char **argv)
{
    long n = 128;
    uint64_t seed = 42;
    char *end;
    if (argc > 1) {
        n = strtol(argv[1], &end, 10);
        if (*end != '\0' || n < 1 || n > 8192) {
            fprintf(stderr, "matmul: N must be in 1..8192, got '%s'\n", argv[1]);
            return 2;
        }
    }
    if (argc > 2) {
        seed = strtoull(argv[2], &end, 10);
        if (*end != '\0') {
            fprintf(stderr, "matmul: bad seed '%s'\n", argv[2]);
            return 2;
        }
    }
    state = seed ? seed : 0x9E3779B97F4A7C15ULL;
    size_t N = (size_t)n;

    /* ---- double precision ---- */
    double *A = xcalloc(N * N, sizeof *A);
    double *B = xcalloc(N * N, sizeof *B);
    double *C = xcalloc(N * N, sizeof *C);
    for (size_t i = 0; i < N * N; i++)
        A[i] = rand_double();
    for (size_t i = 0; i < N * N; i++)
        B[i] = rand_double();

    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < N; k++) {
            double a = A[i * N + k];
            for (size_t j = 0; j < N; j++)
                C[i * N + j] += a * B[k * N + j];
        }

    double trace = 0.0, sum = 0.0;
    for (size_t i = 0; i < N; i++)
        trace += C[i * N + i];
    for (size_t i = 0; i < N * N; i++)
        sum += C[i];

    printf("matmul N=%zu seed=%" PRIu64 "\n", N, seed);
    printf("double trace    = %.6f\n", trace);
    printf("double checksum = %.6f\n", sum);
    printf("C[0][0]         = %.17g\n", C[0]);
    printf("C[0][N-1]       = %.17g\n", C[N - 1]);
    printf("C[N/2][N/3]     = %.17g\n", C[(N / 2) * N + N / 3]);
    printf("C[N-1][N-1]     = %.17g\n", C[N * N - 1]);
    free(A);
    free(B);
    free(C);

    /* ---- 64-bit integer (wrapping) ---- */
    uint64_t *IA = xcalloc(N * N, sizeof *IA);
    uint64_t *IB = xcalloc(N * N, sizeof *IB);
    uint64_t *IC = xcalloc(N * N, sizeof *IC);
    for (size_t i = 0; i < N * N; i++)
        IA[i] = xorshift64() & 0xffff;
    for (size_t i = 0; i < N * N; i++)
        IB[i] = xorshift64();

    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < N; k++) {
            uint64_t a = IA[i * N + k];
            for (size_t j = 0; j < N; j++)
                IC[i * N + j] += a * IB[k * N + j];
        }

    uint64_t itrace = 0, h = 1469598103934665603ULL;
    for (size_t i = 0; i < N; i++)
        itrace += IC[i * N + i];
    for (size_t i = 0; i < N * N; i++) {
        h ^= IC[i];
        h *= 1099511628211ULL;
    }
    printf("int trace       = %016" PRIx64 "\n", itrace);
    printf("int checksum    = %016" PRIx64 "\n", h);
    free(IA);
    free(IB);
    free(IC);
    return 0;
}
