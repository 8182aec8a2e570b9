/* filesem: open-file semantics real programs rely on (issue 15), in a scratch directory under the working
 * directory. `filesem MODE`, MODE one of:
 *   unlink  a file unlinked while open stays readable and writable (write, pread, ftruncate, fstat with st_nlink 0)
 *           through every description of it until the last close; the name is gone at once (ENOENT) and the
 *           directory lists nothing; rmdir of the directory succeeds after the last close (nothing left behind).
 *           (rmdir while the file is still open: mode rmdiropen.)
 *   rename  rename over an open file: the open description still reads the old contents (st_nlink 0), the name
 *           gives the new file; rename of an open file: writes through the descriptor reach the new name.
 *   tmpfile open(O_TMPFILE) (unnamed, st_nlink 0, not listed), glibc tmpfile(3) in /tmp and mkstemp+unlink.
 *   fork    unlink, then fork: the child writes through the inherited descriptor and exits; the parent reads what
 *           the child wrote; a dup survives the close of the original.
 *   pasteof MAP_PRIVATE|MAP_SHARED: a read-only mapping of three pages over a 5000-byte file reads the file and
 *           zeros up to the end of the page holding the end of the file; the first access to the next page dies of
 *           SIGBUS (exit status 135), as Linux delivers it.
 *   rmdiropen rmdir of a directory whose only entry is a file unlinked while open succeeds, the file stays usable
 *           through its descriptor; one that still holds a real file is ENOTEMPTY.
 *   dontneed madvise(MADV_DONTNEED) on a private file mapping drops its private changes (the file's current data
 *           is read again, a pwrite since the mapping included; other pages keep theirs; after mprotect too); on
 *           anonymous memory, also where a file mapping was unmapped, it reads zero.
 *   meta    the metadata family: fchmod/fchmodat (st_mode), fchown/fchownat (checked, ownership not printed),
 *           utimensat/futimens with explicit times, UTIME_OMIT and a bad tv_nsec, fallocate (extend, KEEP_SIZE, a
 *           read-only descriptor), sync_file_range, fdatasync, and the trailing-slash errors (ENOTDIR) of open, stat,
 *           chmod and unlink on a regular file.
 * Prints one line per step (result, and errno text when negative); output depends on nothing else. Removes the
 * scratch directory at the end (and any leftover at the start). Exits 0, or 1 when a step cannot continue. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR_NAME "filesem-scratch"

static void step(const char *what, long rc)
{
    printf("%-40s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
    fflush(stdout);
}

static int must(const char *what, long rc)
{
    if (rc < 0)
    {
        printf("%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    return (int)rc;
}

/* Prints the names in the scratch directory other than . and .., sorted. */
static void list(const char *label)
{
    DIR *dir = opendir(DIR_NAME);
    if (dir == NULL)
    {
        printf("%s: opendir failed: %s\n", label, strerror(errno));
        return;
    }
    char names[64][256];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 64)
    {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, ".."))
        {
            snprintf(names[count++], sizeof names[0], "%s", entry->d_name);
        }
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    printf("%s: %d entries:", label, count);
    for (int i = 0; i < count; i++)
    {
        printf(" %s", names[i]);
    }
    printf("\n");
}

static void show(const char *label, int fd)
{
    char buf[128];
    long n = pread(fd, buf, sizeof buf - 1, 0);
    if (n < 0)
    {
        printf("%s: pread failed: %s\n", label, strerror(errno));
        return;
    }
    buf[n] = 0;
    struct stat st;
    if (fstat(fd, &st) != 0)
    {
        printf("%s: fstat failed: %s\n", label, strerror(errno));
        return;
    }
    printf("%s: \"%s\" size %ld nlink %ld regular %d\n", label, buf, (long)st.st_size, (long)st.st_nlink,
           S_ISREG(st.st_mode));
}

static int create(const char *name, const char *contents)
{
    int fd = must(name, open(name, O_CREAT | O_RDWR | O_TRUNC, 0644));
    must("write", write(fd, contents, strlen(contents)));
    return fd;
}

static void cleanup(void)
{
    static const char *FILES[] = {DIR_NAME "/f", DIR_NAME "/a", DIR_NAME "/b", DIR_NAME "/c", DIR_NAME "/d"};
    for (unsigned i = 0; i < sizeof FILES / sizeof FILES[0]; i++)
    {
        unlink(FILES[i]);
    }
    rmdir(DIR_NAME);
}

static void unlink_mode(void)
{
    int fd = create(DIR_NAME "/f", "hello");
    int fd2 = must("open again", open(DIR_NAME "/f", O_RDWR));
    step("unlink f while open", unlink(DIR_NAME "/f"));
    step("access f", access(DIR_NAME "/f", F_OK));
    step("open f", open(DIR_NAME "/f", O_RDONLY));
    list("after unlink");
    step("write after unlink", write(fd, " world", 6));
    show("fd", fd);
    step("pwrite through second description", pwrite(fd2, "HELLO", 5, 0));
    show("fd", fd);
    step("close first description", close(fd));
    step("ftruncate second to 3", ftruncate(fd2, 3));
    step("lseek end", lseek(fd2, 0, SEEK_END));
    show("fd2", fd2);
    step("fsync", fsync(fd2));
    step("close last description", close(fd2));
    list("after last close");
}

static void rename_mode(void)
{
    int fa = create(DIR_NAME "/a", "AAAA");
    int fb = create(DIR_NAME "/b", "BB");
    step("rename a over open b", rename(DIR_NAME "/a", DIR_NAME "/b"));
    show("old b", fb);
    step("write to old b", pwrite(fb, "bb", 2, 2));
    show("old b", fb);
    int nb = must("open b", open(DIR_NAME "/b", O_RDONLY));
    show("new b", nb);
    list("after rename over");
    close(fb);
    close(nb);
    list("after closes");
    int fc = create(DIR_NAME "/c", "c1");
    step("rename open c to d", rename(DIR_NAME "/c", DIR_NAME "/d"));
    step("write after rename", write(fc, "c2", 2));
    int fd = must("open d", open(DIR_NAME "/d", O_RDONLY));
    show("d by name", fd);
    show("d by old fd", fc);
    step("unlink d while open", unlink(DIR_NAME "/d"));
    show("d by old fd", fc);
    close(fc);
    close(fd);
    close(fa);
    step("unlink b", unlink(DIR_NAME "/b"));
    list("at end");
}

static void tmpfile_mode(void)
{
    int fd = open(DIR_NAME, O_TMPFILE | O_RDWR, 0600);
    step("open O_TMPFILE", fd < 0 ? fd : 0);
    if (fd >= 0)
    {
        step("write", write(fd, "unnamed", 7));
        show("tmpfile fd", fd);
        list("with O_TMPFILE open");
        step("close", close(fd));
    }
    step("O_TMPFILE read-only", open(DIR_NAME, O_TMPFILE | O_RDONLY, 0600));
    step("O_TMPFILE on a missing directory", open(DIR_NAME "/none", O_TMPFILE | O_RDWR, 0600));
    close(create(DIR_NAME "/f", "x"));
    step("O_TMPFILE on a file", open(DIR_NAME "/f", O_TMPFILE | O_RDWR, 0600));
    unlink(DIR_NAME "/f");

    FILE *f = tmpfile();
    step("tmpfile()", f == NULL ? -1 : 0);
    if (f != NULL)
    {
        char line[64] = "";
        fputs("through stdio\n", f);
        rewind(f);
        step("fgets", fgets(line, sizeof line, f) == NULL ? -1 : (long)strlen(line));
        printf("read back: %s", line);
        step("fclose", fclose(f));
    }

    char name[] = DIR_NAME "/tXXXXXX";
    int ms = must("mkstemp", mkstemp(name));
    step("unlink mkstemp file", unlink(name));
    step("write", write(ms, "temp data", 9));
    show("mkstemp fd", ms);
    list("with mkstemp file open");
    close(ms);
    list("at end");
}

static void fork_mode(void)
{
    int fd = create(DIR_NAME "/f", "parent;");
    step("unlink f", unlink(DIR_NAME "/f"));
    fflush(stdout);
    pid_t child = fork();
    if (child == 0)
    {
        long n = write(fd, "child;", 6);
        close(fd);
        _exit(n == 6 ? 0 : 3);
    }
    int status = 0;
    must("waitpid", waitpid(child, &status, 0));
    step("child exit status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    show("parent after child", fd);
    int copy = must("dup", dup(fd));
    step("close original", close(fd));
    step("write through dup", write(copy, "dup;", 4));
    show("dup", copy);
    list("before last close");
    step("close dup", close(copy));
    list("after last close");
}

static void stat_line(const char *label, const char *path, int times)
{
    struct stat st;
    if (stat(path, &st) != 0)
    {
        printf("%s: stat failed: %s\n", label, strerror(errno));
        return;
    }
    printf("%s: mode %o size %ld", label, (unsigned)(st.st_mode & 07777), (long)st.st_size);
    if (times) /* only once set explicitly: creation times differ between runs */
    {
        printf(" atime %ld.%09ld mtime %ld.%09ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
               (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
    printf("\n");
}

static void meta_mode(void)
{
    int fd = create(DIR_NAME "/f", "0123456789");
    step("fchmod 0600", fchmod(fd, 0600));
    stat_line("after fchmod", DIR_NAME "/f", 0);
    step("chmod 0640", chmod(DIR_NAME "/f", 0640));
    stat_line("after chmod", DIR_NAME "/f", 0);
    step("chmod missing", chmod(DIR_NAME "/none", 0600));
    step("fchown 0 0", fchown(fd, 0, 0));
    step("fchown bad fd", fchown(99, 0, 0));
    step("chown missing", chown(DIR_NAME "/none", 0, 0));
    step("lchown -1 -1", lchown(DIR_NAME "/f", -1, -1));
    struct timespec times[2] = {{1000000000, 123456789}, {1200000000, 5}};
    step("utimensat explicit", utimensat(AT_FDCWD, DIR_NAME "/f", times, 0));
    stat_line("after utimensat", DIR_NAME "/f", 1);
    struct timespec omit[2] = {{1100000000, 0}, {0, UTIME_OMIT}};
    step("futimens atime, mtime omitted", futimens(fd, omit));
    stat_line("after futimens", DIR_NAME "/f", 1);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    step("utimensat bad tv_nsec", utimensat(AT_FDCWD, DIR_NAME "/f", bad, 0));
    step("utimensat bad flags", utimensat(AT_FDCWD, DIR_NAME "/f", times, 0x4000));
    step("utimensat missing", utimensat(AT_FDCWD, DIR_NAME "/none", times, 0));
    step("fallocate extend to 8192", fallocate(fd, 0, 4096, 4096));
    step("fallocate within (no change)", fallocate(fd, 0, 0, 100));
    step("fallocate KEEP_SIZE past end", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100000));
    step("fallocate length 0", fallocate(fd, 0, 0, 0));
    struct stat st;
    fstat(fd, &st);
    printf("size after fallocate %ld\n", (long)st.st_size);
    int ro = must("open ro", open(DIR_NAME "/f", O_RDONLY));
    step("fallocate read-only", fallocate(ro, 0, 0, 100000));
    close(ro);
    step("sync_file_range", sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE));
    step("sync_file_range bad flags", sync_file_range(fd, 0, 0, 8));
    step("fdatasync", fdatasync(fd));
    int pfd[2];
    must("pipe", pipe(pfd));
    step("fallocate pipe", fallocate(pfd[1], 0, 0, 10));
    step("sync_file_range pipe", sync_file_range(pfd[1], 0, 0, 0));
    close(pfd[0]);
    close(pfd[1]);
    close(fd);
    step("open file/", open(DIR_NAME "/f/", O_RDONLY));
    struct stat ignored;
    step("stat file/", stat(DIR_NAME "/f/", &ignored));
    step("chmod file/", chmod(DIR_NAME "/f/", 0600));
    step("unlink file/", unlink(DIR_NAME "/f/"));
    step("unlink f", unlink(DIR_NAME "/f"));
}

static void pasteof_mode(int shared)
{
    int fd = create(DIR_NAME "/f", "");
    char block[1000];
    memset(block, 'e', sizeof block);
    for (int i = 0; i < 5; i++)
    {
        must("write", write(fd, block, sizeof block));
    }
    volatile unsigned char *map = mmap(NULL, 3 * 4096, PROT_READ, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
    {
        printf("mmap failed: %s\n", strerror(errno));
        exit(1);
    }
    close(fd);
    printf("byte 0 %c, byte 4999 %c, byte 5000 %d, byte 8191 %d\n", map[0], map[4999], map[5000], map[8191]);
    printf("touching byte 8192, past the page holding the end of the file\n");
    fflush(stdout);
    printf("read %d: no SIGBUS\n", map[8192]);
}

/* rmdir of a directory whose only entry is a file unlinked while open succeeds (the file lives on through its
 * descriptor); a directory that still holds a real file stays ENOTEMPTY. */
static void rmdiropen_mode(void)
{
    struct stat st;
    char buf[32] = {0};
    must("mkdir sub", mkdir(DIR_NAME "/sub", 0755));
    int fd = create(DIR_NAME "/sub/f", "kept alive");
    step("unlink sub/f", unlink(DIR_NAME "/sub/f"));
    step("rmdir sub (an open unlinked file only)", rmdir(DIR_NAME "/sub"));
    step("stat sub", stat(DIR_NAME "/sub", &st));
    step("pread", pread(fd, buf, sizeof buf - 1, 0));
    printf("read back: %s\n", buf);
    step("write", write(fd, " more", 5));
    step("fstat", fstat(fd, &st));
    printf("size %ld nlink %ld\n", (long)st.st_size, (long)st.st_nlink);
    must("mkdir sub2", mkdir(DIR_NAME "/sub2", 0755));
    close(create(DIR_NAME "/sub2/g", "x"));
    int fd2 = create(DIR_NAME "/sub2/h", "y");
    step("unlink sub2/h", unlink(DIR_NAME "/sub2/h"));
    step("rmdir sub2 (a real file left)", rmdir(DIR_NAME "/sub2"));
    step("unlink sub2/g", unlink(DIR_NAME "/sub2/g"));
    step("rmdir sub2 (h still open)", rmdir(DIR_NAME "/sub2"));
    step("close h", close(fd2));
    step("close f", close(fd));
}

/* madvise(MADV_DONTNEED) on a private file mapping drops the private changes: the next access reads the file again,
 * its current contents (a pwrite since the mapping included); pages outside the range keep their changes; an
 * mprotect'ed page likewise; an anonymous page reads zero. */
static void dontneed_mode(void)
{
    int fd = create(DIR_NAME "/f", "");
    char page[4096];
    for (int p = 0; p < 3; p++)
    {
        memset(page, 'a' + p, sizeof page);
        must("write", write(fd, page, sizeof page));
    }
    volatile unsigned char *map = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
    {
        printf("mmap failed: %s\n", strerror(errno));
        exit(1);
    }
    map[0] = 'X';
    map[4096] = 'Y';
    map[8192] = 'Z';
    printf("private changes: %c %c %c\n", map[0], map[4096], map[8192]);
    step("madvise DONTNEED pages 0-1", madvise((void *)map, 2 * 4096, MADV_DONTNEED));
    printf("after DONTNEED: %c %c %c (page 2 keeps its change)\n", map[0], map[4096], map[8192]);
    step("pwrite N at 100", pwrite(fd, "N", 1, 100));
    map[100] = 'P';
    printf("byte 100 privately: %c\n", map[100]);
    step("madvise DONTNEED page 0", madvise((void *)map, 4096, MADV_DONTNEED));
    printf("byte 100 after DONTNEED: %c, byte 101 %c\n", map[100], map[101]);
    map[4096 + 5] = 'W';
    step("mprotect page 1 read-only", mprotect((void *)(map + 4096), 4096, PROT_READ));
    step("madvise DONTNEED page 1", madvise((void *)(map + 4096), 4096, MADV_DONTNEED));
    printf("page 1 after mprotect and DONTNEED: %c %c\n", map[4096], map[4096 + 5]);
    volatile unsigned char *anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    anon[0] = 'Q';
    step("madvise DONTNEED anonymous", madvise((void *)anon, 4096, MADV_DONTNEED));
    printf("anonymous after DONTNEED: %d\n", anon[0]);
    step("munmap file mapping", munmap((void *)map, 3 * 4096));
    volatile unsigned char *again = mmap((void *)map, 4096, PROT_READ | PROT_WRITE,
                                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    again[0] = 'S';
    step("madvise DONTNEED anonymous where the file was", madvise((void *)again, 4096, MADV_DONTNEED));
    printf("there after DONTNEED: %d\n", again[0]);
    close(fd);
    step("unlink", unlink(DIR_NAME "/f"));
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "unlink";
    cleanup();
    must("mkdir", mkdir(DIR_NAME, 0755));
    if (strcmp(mode, "unlink") == 0)
    {
        unlink_mode();
    }
    else if (strcmp(mode, "rename") == 0)
    {
        rename_mode();
    }
    else if (strcmp(mode, "tmpfile") == 0)
    {
        tmpfile_mode();
    }
    else if (strcmp(mode, "meta") == 0)
    {
        meta_mode();
    }
    else if (strcmp(mode, "pasteof") == 0)
    {
        pasteof_mode(argc > 2 && strcmp(argv[2], "MAP_SHARED") == 0);
    }
    else if (strcmp(mode, "fork") == 0)
    {
        fork_mode();
    }
    else if (strcmp(mode, "rmdiropen") == 0)
    {
        rmdiropen_mode();
    }
    else if (strcmp(mode, "dontneed") == 0)
    {
        dontneed_mode();
    }
    else
    {
        printf("unknown mode %s\n", mode);
        return 2;
    }
    step("rmdir scratch", rmdir(DIR_NAME));
    return 0;
}
