/* Console, files, environment, clocks, and the process entry point. */
#define _GNU_SOURCE
#include "aura_rt_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int rt_argc;
static char **rt_argv;

/* ------------------------------------------------------------- console, io */

_Noreturn void aura_rt_write_failed(FILE *stream, int err) {
    if (err == EPIPE) {
        /* As a C program with SIGPIPE at its default (and the interpreter):
         * end at once and quietly, even if the parent ignored the signal. */
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
    const char *name = stream == stderr ? "stderr" : "stdout";
    char msg[300];
    int n = snprintf(msg, sizeof msg, "error: cannot write to %s: %s\n", name, strerror(err));
    if (n > 0 && stream != stderr) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    _exit(1);
}

void aura_rt_flush(FILE *stream) {
    /* ferror too: an unbuffered stream (stderr) fails in fwrite, not here. */
    if (fflush(stream) != 0 || ferror(stream)) aura_rt_write_failed(stream, errno);
}

/* A buffered write that failed left the stream's error flag set. */
static void checked(FILE *stream) {
    if (ferror(stream)) aura_rt_write_failed(stream, errno);
}

void aura_print(AuraStr *s) {
    fwrite(s->data, 1, (size_t)s->len, stdout);
    checked(stdout);
}

void aura_println(AuraStr *s) {
    fwrite(s->data, 1, (size_t)s->len, stdout);
    fputc('\n', stdout);
    checked(stdout);
}

void aura_eprintln(AuraStr *s) {
    aura_rt_flush(stdout);
    fwrite(s->data, 1, (size_t)s->len, stderr);
    fputc('\n', stderr);
    aura_rt_flush(stderr);
}

AuraStr *aura_read_line(void) {
    char *line = NULL;
    size_t cap = 0;
    aura_rt_flush(stdout);
    errno = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        int err = errno;
        int failed = ferror(stdin);
        free(line);
        if (failed) {
            const char *reason = strerror(err);
            char msg[300];
            int k = snprintf(msg, sizeof msg, "cannot read stdin: %s", reason);
            aura_rt_panic(-1, msg, k < (int)sizeof msg ? k : (int)sizeof msg - 1);
        }
        return NULL;
    }
    /* As Rust's `read_line`, which fails on bytes that are not UTF-8. */
    if (!aura_rt_valid_utf8((const unsigned char *)line, n)) {
        free(line);
        static const char bad[] = "read_line: stdin is not valid UTF-8";
        aura_rt_panic(-1, bad, (int64_t)sizeof bad - 1);
    }
    /* A line ends with "\n" or "\r\n"; a "\r" before the end of input without
     * "\n" is part of the text (Rust's `lines`, the interpreter). */
    if (n && line[n - 1] == '\n') {
        n--;
        if (n && line[n - 1] == '\r') n--;
    }
    AuraStr *s = aura_str_new(line, n);
    free(line);
    return s;
}

static AuraStr *io_error(AuraStr *path, const char *reason) {
    AuraBuf *b = aura_buf_new();
    aura_buf_str(b, path);
    aura_buf_raw(b, ": ", 2);
    aura_buf_raw(b, reason, (int64_t)strlen(reason));
    return aura_buf_finish(b);
}

/* Well-formed UTF-8 (Unicode table 3-7, what Rust's `String::from_utf8` and
 * Python accept): no overlong forms, no surrogates, nothing above U+10FFFF. */
int aura_rt_valid_utf8(const unsigned char *p, int64_t n) {
    int64_t i = 0;
    while (i < n) {
        uint64_t word;
        /* Eight ASCII bytes at a time (most text is ASCII). */
        while (i + 8 <= n && (memcpy(&word, p + i, 8), (word & UINT64_C(0x8080808080808080)) == 0)) i += 8;
        if (i >= n) break;
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* The continuation bytes, and the range of the first one after c. */
        int k;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;      /* overlong below U+0800 */
            else if (c == 0xED) hi = 0x9F; /* surrogates U+D800..U+DFFF */
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;      /* overlong below U+10000 */
            else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
        } else return 0;
        if (n - i <= k) return 0;
        if (p[i + 1] < lo || p[i + 1] > hi) return 0;
        for (int j = 2; j <= k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}

int8_t aura_read_file(AuraStr *path, AuraStr **out) {
    FILE *f = fopen(path->data, "rb");
    if (!f) {
        *out = io_error(path, strerror(errno));
        return 0;
    }
    /* A regular file is read straight into a string of its size (one copy of
     * the text in memory); anything else, or a file that changes size while
     * it is read, through a growing buffer. */
    struct stat info;
    AuraStr *text = NULL;
    if (fstat(fileno(f), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        int64_t size = (int64_t)info.st_size;
        text = aura_alloc((int64_t)sizeof(AuraStr) + size + 1);
        text->rc = 1;
        text->len = (int64_t)fread(text->data, 1, (size_t)size, f);
        text->data[text->len] = 0;
        if (text->len != size || fgetc(f) != EOF) {
            aura_free(text);
            text = NULL;
            rewind(f);
        }
    }
    AuraBuf *b = NULL;
    if (!text) {
        b = aura_buf_new();
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) aura_buf_raw(b, chunk, (int64_t)n);
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (!text) text = aura_buf_finish(b);
    if (failed) {
        aura_str_release(text);
        *out = io_error(path, strerror(saved));
        return 0;
    }
    if (!aura_rt_valid_utf8((const unsigned char *)text->data, text->len)) {
        aura_str_release(text);
        *out = io_error(path, "the file is not valid UTF-8");
        return 0;
    }
    *out = text;
    return 1;
}

int8_t aura_write_file(AuraStr *path, AuraStr *text, AuraStr **err) {
    FILE *f = fopen(path->data, "wb");
    if (!f) {
        *err = io_error(path, strerror(errno));
        return 0;
    }
    size_t n = fwrite(text->data, 1, (size_t)text->len, f);
    int saved = errno;
    if (fclose(f) != 0 || n != (size_t)text->len) {
        *err = io_error(path, strerror(saved ? saved : errno));
        return 0;
    }
    return 1;
}

AuraVec *aura_env_args(void) {
    /* As Rust's `std::env::args()`, which panics on an argument that is not UTF-8. */
    for (int i = 1; i < rt_argc; i++) {
        if (!aura_rt_valid_utf8((const unsigned char *)rt_argv[i], (int64_t)strlen(rt_argv[i]))) {
            char msg[64];
            int n = snprintf(msg, sizeof msg, "argument %d is not valid UTF-8", i);
            aura_rt_panic(-1, msg, n);
        }
    }
    AuraVec *v = aura_vec_new(rt_argc > 1 ? rt_argc - 1 : 0, sizeof(AuraStr *));
    for (int i = 1; i < rt_argc; i++) {
        ((AuraStr **)v->data)[i - 1] = aura_str_new(rt_argv[i], (int64_t)strlen(rt_argv[i]));
    }
    v->len = rt_argc > 1 ? rt_argc - 1 : 0;
    return v;
}

AuraStr *aura_env_var(AuraStr *name) {
    /* A name with a NUL byte names no variable (getenv would read a prefix). */
    if (memchr(name->data, 0, (size_t)name->len)) return NULL;
    const char *value = getenv(name->data);
    if (!value) return NULL;
    int64_t n = (int64_t)strlen(value);
    /* Not UTF-8: None, as Rust's `std::env::var(name).ok()`. */
    return aura_rt_valid_utf8((const unsigned char *)value, n) ? aura_str_new(value, n) : NULL;
}

int64_t aura_now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t aura_monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* -------------------------------------------------------------------- main */

/* The program runs on a thread with a large stack, so that the depth limit,
 * not the C stack, is what stops a deep recursion (as in the interpreter). */
#define STACK_BYTES ((size_t)1 << 30)

static void *run_program(void *status) {
    *(int32_t *)status = aura_program_main();
    return NULL;
}

int main(int argc, char **argv) {
    rt_argc = argc;
    rt_argv = argv;
    static char out_buffer[1 << 16];
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    int32_t status = 0;
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    size_t size = STACK_BYTES;
    while (size >= ((size_t)1 << 23) && pthread_attr_setstacksize(&attr, size) != 0) size /= 2;
    if (pthread_create(&thread, &attr, run_program, &status) != 0) {
        run_program(&status);
    } else {
        pthread_join(thread, NULL);
    }
    aura_rt_flush(stdout);
    return status & 0xFF;
}
