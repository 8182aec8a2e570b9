/* hashtab [ROUNDS]: a hash-table workload for `lego bench cpu`: per round, an open-addressing table (linear
 * probing, 16 Ki slots, backward-shift deletion) with 64-bit integer keys under a mix of inserts, lookups (hits
 * and misses) and deletions, then a chained table keyed by short strings (8 to 23 bytes, FNV-1a) with counts,
 * both about 2 MiB in all so they fit a few-MiB ExCache. Prints per-round checksums folded into one line per
 * table, so any divergence from qemu-riscv64 shows. About 25 million instructions per round; default 10. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS (16 * 1024)
#define MASK (SLOTS - 1)
#define EMPTY 0

static uint64_t keys[SLOTS];
static uint64_t values[SLOTS];

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    return k ^ (k >> 33);
}

static int put(uint64_t key, uint64_t value)
{
    for (uint64_t i = mix(key) & MASK;; i = (i + 1) & MASK)
    {
        if (keys[i] == EMPTY)
        {
            keys[i] = key;
            values[i] = value;
            return 1;
        }
        if (keys[i] == key)
        {
            values[i] += value;
            return 0;
        }
    }
}

static int64_t get(uint64_t key)
{
    for (uint64_t i = mix(key) & MASK;; i = (i + 1) & MASK)
    {
        if (keys[i] == EMPTY)
            return -1;
        if (keys[i] == key)
            return (int64_t)values[i];
    }
}

static int del(uint64_t key)
{
    uint64_t i = mix(key) & MASK;
    for (;; i = (i + 1) & MASK)
    {
        if (keys[i] == EMPTY)
            return 0;
        if (keys[i] == key)
            break;
    }
    /* backward-shift deletion keeps probe sequences intact without tombstones */
    for (uint64_t j = (i + 1) & MASK;; j = (j + 1) & MASK)
    {
        if (keys[j] == EMPTY)
            break;
        const uint64_t home = mix(keys[j]) & MASK;
        if (((j - home) & MASK) >= ((j - i) & MASK))
        {
            keys[i] = keys[j];
            values[i] = values[j];
            i = j;
        }
    }
    keys[i] = EMPTY;
    return 1;
}

typedef struct entry
{
    struct entry *next;
    uint32_t hash;
    uint32_t count;
    char word[24];
} entry;

#define BUCKETS 4096
#define ENTRIES 8192
static entry *buckets[BUCKETS];
static entry arena[ENTRIES];

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

int main(int argc, char **argv)
{
    const long rounds = argc > 1 ? atol(argv[1]) : 10;
    uint64_t rng = 88172645463325252ull;
    uint64_t open_sum = 0, chain_sum = 0;
    long live_total = 0;
    for (long round = 0; round < rounds; round++)
    {
        memset(keys, 0, sizeof keys);
        long live = 0, hits = 0, misses = 0, deleted = 0;
        for (int op = 0; op < 120000; op++)
        {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            const uint64_t key = (rng % 20000) + 1;
            switch ((rng >> 40) & 3)
            {
            case 0:
            case 1:
                if (live < SLOTS * 3 / 4)
                    live += put(key, rng >> 50);
                break;
            case 2:
            {
                const int64_t v = get(key);
                if (v < 0) misses++;
                else { hits++; open_sum += (uint64_t)v * key; }
                break;
            }
            default:
                if (del(key)) { live--; deleted++; }
                break;
            }
        }
        open_sum = mix(open_sum ^ (uint64_t)live ^ ((uint64_t)hits << 20) ^ ((uint64_t)misses << 40) ^ (uint64_t)deleted);
        live_total += live;

        memset(buckets, 0, sizeof buckets);
        int used = 0;
        char word[24];
        for (int op = 0; op < 30000; op++)
        {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            const int len = 8 + (int)(rng % 16);
            uint64_t r = rng % 3000; /* a vocabulary of 3000 words, each spelt from its number */
            for (int i = 0; i < len; i++)
            {
                word[i] = (char)('a' + (r + (uint64_t)i * 7) % 26);
                r = r / 3 + (uint64_t)i;
            }
            word[len] = 0;
            const uint32_t h = fnv1a(word);
            entry **slot = &buckets[h & (BUCKETS - 1)];
            entry *e = *slot;
            while (e && (e->hash != h || strcmp(e->word, word) != 0))
                e = e->next;
            if (e)
                e->count++;
            else if (used < ENTRIES)
            {
                e = &arena[used++];
                e->hash = h;
                e->count = 1;
                memcpy(e->word, word, (size_t)len + 1);
                e->next = *slot;
                *slot = e;
            }
        }
        uint64_t sum = (uint64_t)used;
        for (int b = 0; b < BUCKETS; b++)
            for (const entry *e = buckets[b]; e; e = e->next)
                sum += (uint64_t)e->count * e->hash;
        chain_sum = mix(chain_sum ^ sum);
    }
    printf("hashtab %ld rounds\nopen addressing %016llx live %ld\nchained         %016llx\n", rounds,
        (unsigned long long)open_sum, live_total, (unsigned long long)chain_sum);
    return 0;
}
