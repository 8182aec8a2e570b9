/* fsstat: statfs(2) and fstatfs(2) (issue 15), in a scratch directory under the working directory.
 * Prints the figures that do not change from one call to the next on the same host filesystem (f_type, f_bsize,
 * f_frsize, f_namelen, f_flags), relations that hold for any filesystem (blocks > 0, bfree <= blocks,
 * bavail <= bfree, ffree <= files), that statfs and fstatfs of the directory, of a file in it and of "." agree
 * (f_type, f_blocks, f_fsid), fstatfs of a pipe (pipefs), and the errors: ENOENT (missing name, empty path),
 * ENOTDIR (a file as a directory, a trailing slash on a file), EBADF (closed and negative descriptors), EFAULT (a
 * bad buffer). Output depends only on the filesystem the working directory is on. Exits 0, or 1 when a step cannot
 * continue. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#define DIR_NAME "fsstat-scratch"

static void step(const char *what, long rc)
{
    printf("%-40s = %ld%s%s\n", what, rc, rc < 0 ? " errno " : "", rc < 0 ? strerror(errno) : "");
    fflush(stdout);
}

static void must(const char *what, long rc)
{
    if (rc < 0)
    {
        printf("%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
}

static void figures(const char *label, const struct statfs *s)
{
    printf("%s: type 0x%lx bsize %ld frsize %ld namelen %ld flags 0x%lx blocks>0 %d bfree<=blocks %d "
           "bavail<=bfree %d ffree<=files %d\n", label, (unsigned long)s->f_type, (long)s->f_bsize,
           (long)s->f_frsize, (long)s->f_namelen, (unsigned long)s->f_flags, s->f_blocks > 0,
           s->f_bfree <= s->f_blocks, s->f_bavail <= s->f_bfree, s->f_ffree <= s->f_files);
}

static int same(const struct statfs *a, const struct statfs *b)
{
    return a->f_type == b->f_type && a->f_blocks == b->f_blocks && a->f_bsize == b->f_bsize &&
           memcmp(&a->f_fsid, &b->f_fsid, sizeof a->f_fsid) == 0 && a->f_namelen == b->f_namelen;
}

int main(void)
{
    unlink(DIR_NAME "/f"); /* a leftover of an interrupted run */
    rmdir(DIR_NAME);
    must("mkdir", mkdir(DIR_NAME, 0755));
    int fd = open(DIR_NAME "/f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    must("create", fd);
    must("write", write(fd, "hello\n", 6));

    struct statfs dir, file, dot, byfd, dirfd;
    step("statfs dir", statfs(DIR_NAME, &dir));
    figures("dir", &dir);
    step("statfs file", statfs(DIR_NAME "/f", &file));
    step("statfs .", statfs(".", &dot));
    step("fstatfs file", fstatfs(fd, &byfd));
    int d = open(DIR_NAME, O_RDONLY | O_DIRECTORY);
    must("open dir", d);
    step("fstatfs dir", fstatfs(d, &dirfd));
    printf("file same as dir %d, . same as dir %d, fd same as dir %d, dirfd same as dir %d\n", same(&file, &dir),
           same(&dot, &dir), same(&byfd, &dir), same(&dirfd, &dir));

    struct statfs s;
    step("statfs missing", statfs(DIR_NAME "/missing", &s));
    step("statfs empty path", statfs("", &s));
    step("statfs file as dir", statfs(DIR_NAME "/f/x", &s));
    step("statfs file trailing slash", statfs(DIR_NAME "/f/", &s));
    step("statfs dir trailing slash", statfs(DIR_NAME "/", &s));
    step("statfs bad buffer", syscall(SYS_statfs, DIR_NAME, (void *)8));
    step("fstatfs -1", fstatfs(-1, &s));
    step("fstatfs 999", fstatfs(999, &s));
    close(d);
    step("fstatfs closed", fstatfs(d, &s));

    int p[2];
    must("pipe", pipe(p));
    step("fstatfs pipe", fstatfs(p[0], &s));
    printf("pipe: type 0x%lx bsize %ld namelen %ld blocks %ld\n", (unsigned long)s.f_type, (long)s.f_bsize,
           (long)s.f_namelen, (long)s.f_blocks);

    close(fd);
    must("unlink", unlink(DIR_NAME "/f"));
    must("rmdir", rmdir(DIR_NAME));
    return 0;
}
