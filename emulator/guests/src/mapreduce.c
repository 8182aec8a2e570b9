/* mapreduce FILE [WORKERS]: a Phoenix-style word count. The input is mapped
 * with mmap(2) (MAP_PRIVATE, read-only), split into WORKERS chunks at word
 * boundaries; each worker thread (the map phase) lowercases words into a
 * shared hash table with striped pthread mutexes and counts totals with
 * atomics; the main thread (the reduce phase) sorts the table and prints the
 * 25 most frequent words, then totals. Output is independent of scheduling.
 * Default 4 workers. */
#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUCKETS 65536
#define STRIPES 64
#define MAX_WORD 64

struct entry {
    struct entry *next;
    long count;
    char word[];
};

static struct entry *table[BUCKETS];
static pthread_mutex_t stripes[STRIPES];
static atomic_long total_words;
static atomic_long unique_words;
static const char *text;
static size_t text_len;

struct chunk {
    size_t start, end;
};

static unsigned hash(const char *w, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static void add_word(const char *w, size_t n)
{
    unsigned h = hash(w, n) % BUCKETS;
    pthread_mutex_t *lock = &stripes[h % STRIPES];
    pthread_mutex_lock(lock);
    struct entry *e = table[h];
    while (e && !(strlen(e->word) == n && memcmp(e->word, w, n) == 0))
        e = e->next;
    if (!e) {
        e = malloc(sizeof *e + n + 1);
        memcpy(e->word, w, n);
        e->word[n] = 0;
        e->count = 0;
        e->next = table[h];
        table[h] = e;
        atomic_fetch_add(&unique_words, 1);
    }
    e->count++;
    pthread_mutex_unlock(lock);
    atomic_fetch_add(&total_words, 1);
}

static void *map_worker(void *arg)
{
    struct chunk *c = arg;
    char word[MAX_WORD];
    size_t n = 0;
    for (size_t i = c->start; i < c->end; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (isalpha(ch)) {
            if (n < MAX_WORD)
                word[n++] = (char)tolower(ch);
        } else if (n > 0) {
            add_word(word, n);
            n = 0;
        }
    }
    if (n > 0)
        add_word(word, n);
    return NULL;
}

static int by_count(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->word, y->word);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mapreduce FILE [WORKERS]\n");
        return 2;
    }
    int workers = argc > 2 ? atoi(argv[2]) : 4;
    if (workers < 1)
        workers = 1;
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        perror("fstat");
        return 1;
    }
    text_len = (size_t)st.st_size;
    if (text_len == 0) {
        printf("total 0 unique 0\n");
        return 0;
    }
    void *m = mmap(NULL, text_len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    close(fd);
    text = m;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&stripes[i], NULL);

    pthread_t *threads = calloc(workers, sizeof *threads);
    struct chunk *chunks = calloc(workers, sizeof *chunks);
    size_t pos = 0;
    for (int t = 0; t < workers; t++) {
        size_t end = t == workers - 1 ? text_len : text_len * (t + 1) / workers;
        while (end < text_len && isalpha((unsigned char)text[end]))
            end++;
        if (end < pos)
            end = pos;
        chunks[t].start = pos;
        chunks[t].end = end;
        pos = end;
        pthread_create(&threads[t], NULL, map_worker, &chunks[t]);
    }
    for (int t = 0; t < workers; t++)
        pthread_join(threads[t], NULL);

    long unique = atomic_load(&unique_words);
    struct entry **all = malloc(sizeof *all * (unique ? unique : 1));
    long k = 0;
    for (int b = 0; b < BUCKETS; b++)
        for (struct entry *e = table[b]; e; e = e->next)
            all[k++] = e;
    qsort(all, k, sizeof *all, by_count);
    for (long i = 0; i < k && i < 25; i++)
        printf("%7ld %s\n", all[i]->count, all[i]->word);
    printf("total %ld unique %ld workers %d\n", atomic_load(&total_words), unique, workers);
    munmap(m, text_len);
    return 0;
}
