/* filepoke FILE OFFSET TEXT: overwrites FILE at byte OFFSET with TEXT using
 * pwrite(2) (the file keeps its size when TEXT fits), then prints the number
 * of bytes written. A writer for the file-cache sharing test: another process
 * that reads FILE afterwards must see TEXT. Exits 1 with a message when the
 * file cannot be opened or written. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: filepoke FILE OFFSET TEXT\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY);
    if (fd < 0) {
        fprintf(stderr, "filepoke: cannot open '%s'\n", argv[1]);
        return 1;
    }
    size_t n = strlen(argv[3]);
    ssize_t done = pwrite(fd, argv[3], n, (off_t)atoll(argv[2]));
    if (done != (ssize_t)n || close(fd) != 0) {
        perror("filepoke: pwrite");
        return 1;
    }
    printf("wrote %zd bytes\n", done);
    return 0;
}
