/* minidb: an embedded-database-shaped workload (issue 15), our own code, in a scratch directory under the working
 * directory. A database file of 4 KiB pages and a rollback journal, as SQLite's rollback-journal mode uses them:
 *   - a transaction takes a write lock on a "reserved" byte past the data (fcntl, as SQLite's lock bytes), copies the
 *     pages it will change into the journal with pread/pwrite at their offsets, fsyncs the journal, pwrites the new
 *     pages into the database, fsyncs it, then deletes the journal (commit);
 *   - a reader in a child process holds a shared (read) lock on the pages range: the writer's exclusive lock fails
 *     EAGAIN until the reader exits;
 *   - a transaction interrupted after writing the database but before deleting the journal (a child that _exits
 *     there) leaves a hot journal; the next opener rolls it back from the journal and truncates it;
 *   - the database shrinks with ftruncate; a temporary sort file is an unlinked-while-open file.
 * Prints page checksums and each step's result; output depends on nothing else. Exits 0, or 1 when a step cannot
 * continue. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR_NAME "minidb-scratch"
#define DB DIR_NAME "/data.db"
#define JOURNAL DIR_NAME "/data.db-journal"
#define PAGE 4096
#define PAGES 6
#define RESERVED_BYTE (1L << 30)

static unsigned char page[PAGE];

static void step(const char *what, long rc)
{
    printf("%-48s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
    fflush(stdout);
}

static long must(const char *what, long rc)
{
    if (rc < 0)
    {
        printf("%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    return rc;
}

static long lock(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl) < 0 ? -1 : 0;
}

static void fill(int pageNo, int version)
{
    for (int i = 0; i < PAGE; i++)
    {
        page[i] = (unsigned char)(pageNo * 31 + version * 7 + i * 13);
    }
}

static uint32_t checksum(const unsigned char *p, int n)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < n; i++)
    {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static void dump(const char *label, int db)
{
    struct stat st;
    must("fstat", fstat(db, &st));
    printf("%s: %ld pages:", label, (long)(st.st_size / PAGE));
    for (long p = 0; p < st.st_size / PAGE; p++)
    {
        must("pread", pread(db, page, PAGE, p * PAGE));
        printf(" %08x", checksum(page, PAGE));
    }
    printf("\n");
    fflush(stdout);
}

/* Writes new versions of the listed pages through the journal; commits unless crash is set. */
static void transaction(int db, const int *pages, int n, int version, int crash)
{
    must("reserved lock", lock(db, F_SETLKW, F_WRLCK, RESERVED_BYTE, 1));
    int journal = must("open journal", open(JOURNAL, O_CREAT | O_TRUNC | O_RDWR, 0644));
    unsigned char header[16];
    memset(header, 0, sizeof header);
    memcpy(header, "minidb-journal\n", 15);
    header[15] = (unsigned char)n;
    must("journal header", pwrite(journal, header, sizeof header, 0));
    for (int i = 0; i < n; i++)
    {
        unsigned char record[4 + PAGE];
        memset(record, 0, sizeof record);
        record[0] = (unsigned char)pages[i];
        must("read original", pread(db, record + 4, PAGE, (off_t)pages[i] * PAGE));
        must("journal page", pwrite(journal, record, sizeof record, sizeof header + (off_t)i * sizeof record));
    }
    must("fsync journal", fsync(journal));
    close(journal);
    must("exclusive lock", lock(db, F_SETLK, F_WRLCK, 0, (off_t)PAGES * PAGE));
    for (int i = 0; i < n; i++)
    {
        fill(pages[i], version);
        must("write page", pwrite(db, page, PAGE, (off_t)pages[i] * PAGE));
    }
    must("fsync db", fsync(db));
    if (crash)
    {
        _exit(7); /* before the journal is deleted: it is hot */
    }
    must("delete journal", unlink(JOURNAL));
    must("unlock", lock(db, F_SETLK, F_UNLCK, 0, 0));
}

/* Rolls back a hot journal, if any: copies its pages back into the database and deletes it. */
static void recover(int db)
{
    int journal = open(JOURNAL, O_RDWR);
    if (journal < 0)
    {
        step("no hot journal", 0);
        return;
    }
    unsigned char header[16];
    must("read header", pread(journal, header, sizeof header, 0));
    int n = header[15];
    step("hot journal pages", n);
    must("exclusive lock", lock(db, F_SETLKW, F_WRLCK, 0, 0));
    for (int i = 0; i < n; i++)
    {
        unsigned char record[4 + PAGE];
        must("read record", pread(journal, record, sizeof record, sizeof header + (off_t)i * sizeof record));
        must("restore page", pwrite(db, record + 4, PAGE, (off_t)record[0] * PAGE));
    }
    must("fsync db", fsync(db));
    step("truncate journal", ftruncate(journal, 0));
    close(journal);
    step("delete journal", unlink(JOURNAL));
    must("unlock", lock(db, F_SETLK, F_UNLCK, 0, 0));
}

int main(void)
{
    unlink(JOURNAL);
    unlink(DB);
    rmdir(DIR_NAME);
    must("mkdir", mkdir(DIR_NAME, 0755));
    int db = must("open db", open(DB, O_CREAT | O_RDWR, 0644));
    for (int p = 0; p < PAGES; p++)
    {
        fill(p, 0);
        must("initial page", pwrite(db, page, PAGE, (off_t)p * PAGE));
    }
    must("fsync", fsync(db));
    dump("initial", db);

    static const int first[] = {1, 3};
    transaction(db, first, 2, 1, 0);
    dump("after commit", db);
    step("journal after commit", access(JOURNAL, F_OK));

    int ready[2];
    must("pipe", pipe(ready));
    pid_t reader = fork();
    if (reader == 0)
    {
        int rdb = must("reader open", open(DB, O_RDONLY));
        step("reader shared lock", lock(rdb, F_SETLK, F_RDLCK, 0, (off_t)PAGES * PAGE));
        must("ready", write(ready[1], "r", 1));
        usleep(300000);
        _exit(0);
    }
    char c;
    must("wait for reader", read(ready[0], &c, 1));
    step("writer exclusive lock while reader reads", lock(db, F_SETLK, F_WRLCK, 0, (off_t)PAGES * PAGE));
    step("writer waits for the reader", lock(db, F_SETLKW, F_WRLCK, 0, (off_t)PAGES * PAGE));
    must("unlock", lock(db, F_SETLK, F_UNLCK, 0, 0));
    int status;
    must("waitpid", waitpid(reader, &status, 0));

    pid_t crasher = fork();
    if (crasher == 0)
    {
        int cdb = must("crasher open", open(DB, O_RDWR));
        static const int second[] = {0, 2, 5};
        transaction(cdb, second, 3, 2, 1);
        _exit(0);
    }
    must("waitpid", waitpid(crasher, &status, 0));
    step("crashed transaction exit status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    dump("after crash", db);
    recover(db);
    dump("after rollback", db);
    recover(db);

    step("ftruncate to 4 pages", ftruncate(db, 4L * PAGE));
    dump("after truncate", db);

    char sortName[] = DIR_NAME "/sortXXXXXX";
    int sorter = must("mkstemp", mkstemp(sortName));
    must("unlink sorter", unlink(sortName));
    for (int i = 0; i < 64; i++)
    {
        unsigned char key[8];
        for (int k = 0; k < 8; k++)
        {
            key[k] = (unsigned char)((i * 37 + k * 11) % 251);
        }
        must("spill", pwrite(sorter, key, sizeof key, (off_t)((i * 29) % 64) * 8));
    }
    unsigned char all[512];
    step("read spilled keys", pread(sorter, all, sizeof all, 0));
    printf("spill checksum %08x\n", checksum(all, sizeof all));
    close(sorter);

    close(db);
    must("unlink db", unlink(DB));
    step("rmdir scratch", rmdir(DIR_NAME));
    return 0;
}
