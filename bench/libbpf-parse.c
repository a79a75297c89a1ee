// btf__parse_raw on a raw BTF blob, timed warm: the figure btf-scan's vmlinux parse is set against.
//   gcc -O2 -o libbpf-parse bench/libbpf-parse.c -lbpf && ./libbpf-parse vmlinux.btf 200
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE.btf [RUNS]\n", argv[0]);
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 100;
  double *ms = calloc(runs, sizeof(double));
  unsigned types = 0;
  for (int i = 0; i < runs + 10; i++) {  // the first 10 warm the page cache and allocator
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct btf *btf = btf__parse_raw(argv[1]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!btf) {
      perror("btf__parse_raw");
      return 1;
    }
    types = btf__type_cnt(btf);
    btf__free(btf);
    if (i >= 10) {
      ms[i - 10] = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
  }
  qsort(ms, runs, sizeof(double), cmp);
  printf("libbpf btf__parse_raw %s: %u types, best %.3f ms, median %.3f ms over %d warm runs\n", argv[1], types,
         ms[0], ms[runs / 2], runs);
  free(ms);
  return 0;
}
