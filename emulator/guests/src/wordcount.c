/* wordcount [FILE...]: like wc (lines, words, bytes; words are maximal runs of
 * non-whitespace), plus the 20 most frequent words, where a word is a maximal
 * run of [a-z0-9'] after lowercasing ASCII letters. Frequencies are kept in a
 * malloc'd chained hash table that doubles when the load factor exceeds 1.
 * Ties are broken alphabetically (strcmp). Reads stdin if no file is given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next;
    unsigned long hash;
    long count;
    char word[];            /* NUL-terminated, flexible array member */
};

static struct entry **table;
static size_t nbuckets = 64;
static size_t nentries;
static size_t resizes;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "wordcount: out of memory\n");
        exit(1);
    }
    return p;
}

static unsigned long fnv1a(const char *s, size_t len)
{
    unsigned long h = 1469598103934665603UL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211UL;
    }
    return h;
}

static void grow(void)
{
    size_t nb = nbuckets * 2;
    struct entry **nt = xmalloc(nb * sizeof *nt);
    memset(nt, 0, nb * sizeof *nt);
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry *e = table[i];
        while (e) {
            struct entry *next = e->next;
            size_t b = e->hash & (nb - 1);
            e->next = nt[b];
            nt[b] = e;
            e = next;
        }
    }
    free(table);
    table = nt;
    nbuckets = nb;
    resizes++;
}

static void add_word(const char *w, size_t len)
{
    unsigned long h = fnv1a(w, len);
    size_t b = h & (nbuckets - 1);
    for (struct entry *e = table[b]; e; e = e->next) {
        if (e->hash == h && strlen(e->word) == len && memcmp(e->word, w, len) == 0) {
            e->count++;
            return;
        }
    }
    struct entry *e = xmalloc(sizeof *e + len + 1);
    e->hash = h;
    e->count = 1;
    memcpy(e->word, w, len);
    e->word[len] = '\0';
    e->next = table[b];
    table[b] = e;
    if (++nentries > nbuckets)
        grow();
}

struct counts {
    long lines, words, bytes;
};

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int is_token(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'';
}

/* Tokens may straddle buffer boundaries, so the token buffer is grown as needed. */
static char *tok;
static size_t toklen, tokcap;

static void tok_push(char c)
{
    if (toklen + 1 > tokcap) {
        tokcap = tokcap ? tokcap * 2 : 64;
        char *n = realloc(tok, tokcap);
        if (!n) {
            fprintf(stderr, "wordcount: out of memory\n");
            exit(1);
        }
        tok = n;
    }
    tok[toklen++] = c;
}

static void tok_flush(void)
{
    if (toklen) {
        add_word(tok, toklen);
        toklen = 0;
    }
}

static void count_stream(FILE *f, struct counts *c)
{
    static char buf[65536];
    int inword = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        c->bytes += (long)n;
        for (size_t i = 0; i < n; i++) {
            int ch = (unsigned char)buf[i];
            if (ch == '\n')
                c->lines++;
            if (is_space(ch)) {
                inword = 0;
            } else if (!inword) {
                inword = 1;
                c->words++;
            }
            if (ch >= 'A' && ch <= 'Z')
                ch += 'a' - 'A';
            if (is_token(ch))
                tok_push((char)ch);
            else
                tok_flush();
        }
    }
    tok_flush();
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a;
    const struct entry *y = *(const struct entry *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->word, y->word);
}

int main(int argc, char **argv)
{
    struct counts total = {0, 0, 0};
    table = xmalloc(nbuckets * sizeof *table);
    memset(table, 0, nbuckets * sizeof *table);

    if (argc < 2) {
        count_stream(stdin, &total);
        printf("%7ld %7ld %7ld\n", total.lines, total.words, total.bytes);
    } else {
        for (int i = 1; i < argc; i++) {
            FILE *f = fopen(argv[i], "r");
            if (!f) {
                fprintf(stderr, "wordcount: cannot open '%s'\n", argv[i]);
                return 1;
            }
            struct counts c = {0, 0, 0};
            count_stream(f, &c);
            fclose(f);
            printf("%7ld %7ld %7ld %s\n", c.lines, c.words, c.bytes, argv[i]);
            total.lines += c.lines;
            total.words += c.words;
            total.bytes += c.bytes;
        }
        if (argc > 2)
            printf("%7ld %7ld %7ld total\n", total.lines, total.words, total.bytes);
    }

    struct entry **all = xmalloc((nentries ? nentries : 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i]; e; e = e->next)
            all[k++] = e;
    qsort(all, k, sizeof *all, cmp_entry);

    printf("distinct words: %zu (hash buckets: %zu, resizes: %zu)\n", nentries, nbuckets, resizes);
    printf("top %d words:\n", k < 20 ? (int)k : 20);
    for (size_t i = 0; i < k && i < 20; i++)
        printf("%7ld %s\n", all[i]->count, all[i]->word);

    for (size_t i = 0; i < k; i++)
        free(all[i]);
    free(all);
    free(table);
    free(tok);
    return 0;
}
