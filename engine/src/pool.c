/* pool.c - the worker pool (see pool.h).
 *
 * Handing out tasks: `next` is one 64-bit atomic holding (job generation << 32 | next task
 * index). A thread claims a task with a compare-and-swap that succeeds only while the
 * generation is the one it was woken for, so a worker that wakes late can never take a task
 * of a later job; the task count is read after the claim, tagged with its generation too.
 * While a thread holds a claimed task the job is unfinished, so the caller cannot have
 * replaced fn/ctx. The caller waits for `done` == task count before it returns, and so
 * before it writes the next job.
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "mtcnn.h"

/* Spin iterations before sleeping: long enough to bridge the serial glue between the jobs
 * of one detect call (tens of microseconds), short enough not to burn a core between frames. */
#define SPIN_WAIT 20000

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax(void) { _mm_pause(); }
#elif defined(__aarch64__)
static inline void cpu_relax(void) { __asm__ volatile("yield"); }
#else
static inline void cpu_relax(void) {}
#endif

typedef struct worker {
    mtcnn__pool *pool;
    int index;
    pthread_t thread;
} worker;

struct mtcnn__pool {
    int threads;
    worker *workers;
    /* The job; written by the caller only while no task of any job is unfinished. */
    mtcnn__task_fn fn;
    void *ctx;
    _Atomic uint64_t limit; /* generation << 32 | task count */
    /* Hot counters on their own cache lines. */
    _Alignas(64) _Atomic uint64_t next; /* generation << 32 | next task */
    _Alignas(64) atomic_int done;       /* tasks of the current job finished */
    _Alignas(64) atomic_uint generation; /* mirror of next's high half, for the sleepers */
    atomic_int stop;
    pthread_mutex_t mu;
    pthread_cond_t wake;     /* workers: a new generation or stop */
    pthread_cond_t finished; /* caller: done reached n_tasks */
    int caller_waiting;      /* under mu */
};

/* Claims and runs tasks of generation `gen` until none are left. */
static void run_tasks(mtcnn__pool *p, uint32_t gen, int index)
{
    uint64_t cur = atomic_load_explicit(&p->next, memory_order_acquire);
    for (;;) {
        if ((uint32_t)(cur >> 32) != gen)
            return;
        if (!atomic_compare_exchange_weak_explicit(&p->next, &cur, cur + 1,
                                                   memory_order_acq_rel,
                                                   memory_order_acquire))
            continue;
        /* The task count comes tagged with its generation: past the end, or a later job
         * already set up, means this thread is done with `gen`. */
        const uint64_t limit = atomic_load_explicit(&p->limit, memory_order_acquire);
        const int task = (int)(uint32_t)cur, n = (int)(uint32_t)limit;
        if ((uint32_t)(limit >> 32) != gen || task >= n)
            return;
        p->fn(p->ctx, task, index);
        if (atomic_fetch_add_explicit(&p->done, 1, memory_order_acq_rel) + 1 == n) {
            pthread_mutex_lock(&p->mu);
            if (p->caller_waiting)
                pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->mu);
        }
        cur = atomic_load_explicit(&p->next, memory_order_acquire);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    mtcnn__pool *p = w->pool;
    unsigned seen = 0;
    for (;;) {
        unsigned gen = atomic_load_explicit(&p->generation, memory_order_acquire);
        for (int i = 0; gen == seen && i < SPIN_WAIT; i++) {
            if (atomic_load_explicit(&p->stop, memory_order_acquire))
                return NULL;
            cpu_relax();
            gen = atomic_load_explicit(&p->generation, memory_order_acquire);
        }
        if (gen == seen) {
            pthread_mutex_lock(&p->mu);
            while ((gen = atomic_load_explicit(&p->generation, memory_order_acquire)) == seen &&
                   !atomic_load_explicit(&p->stop, memory_order_acquire))
                pthread_cond_wait(&p->wake, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load_explicit(&p->stop, memory_order_acquire))
            return NULL;
        seen = gen;
        run_tasks(p, gen, w->index);
    }
}

int mtcnn__pool_create(int threads, mtcnn__pool **out)
{
    *out = NULL;
    mtcnn__pool *p = calloc(1, sizeof *p);
    if (!p)
        return mtcam_set_error(MTCNN_ENOMEM, "thread pool: out of memory");
    p->threads = threads < 1 ? 1 : threads;
    atomic_init(&p->next, 0);
    atomic_init(&p->limit, 0);
    atomic_init(&p->done, 0);
    atomic_init(&p->generation, 0);
    atomic_init(&p->stop, 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    if (p->threads > 1) {
        p->workers = calloc((size_t)p->threads - 1, sizeof *p->workers);
        if (!p->workers) {
            mtcnn__pool_destroy(p);
            return mtcam_set_error(MTCNN_ENOMEM, "thread pool: out of memory");
        }
        for (int i = 0; i < p->threads - 1; i++) {
            p->workers[i] = (worker){.pool = p, .index = i + 1};
            if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) != 0) {
                p->threads = i + 1; /* the ones started so far get joined */
                mtcnn__pool_destroy(p);
                return mtcam_set_error(MTCNN_EUNSUPPORTED,
                                       "thread pool: cannot start thread %d", i + 1);
            }
        }
    }
    *out = p;
    return 0;
}

void mtcnn__pool_destroy(mtcnn__pool *p)
{
    if (!p)
        return;
    if (p->workers) {
        pthread_mutex_lock(&p->mu);
        atomic_store_explicit(&p->stop, 1, memory_order_release);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
        for (int i = 0; i < p->threads - 1; i++)
            pthread_join(p->workers[i].thread, NULL);
        free(p->workers);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    free(p);
}

int mtcnn__pool_threads(const mtcnn__pool *p) { return p ? p->threads : 1; }

void mtcnn__pool_run(mtcnn__pool *p, mtcnn__task_fn fn, void *ctx, int n_tasks)
{
    if (n_tasks <= 0)
        return;
    if (!p || p->threads == 1 || n_tasks == 1) {
        for (int i = 0; i < n_tasks; i++)
            fn(ctx, i, 0);
        return;
    }
    const unsigned gen = atomic_load_explicit(&p->generation, memory_order_relaxed) + 1;
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->limit, (uint64_t)gen << 32 | (uint32_t)n_tasks,
                          memory_order_relaxed);
    atomic_store_explicit(&p->done, 0, memory_order_relaxed);
    /* Publishing the new generation in `next` releases the job fields written above. */
    atomic_store_explicit(&p->next, (uint64_t)gen << 32, memory_order_release);
    pthread_mutex_lock(&p->mu);
    atomic_store_explicit(&p->generation, gen, memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    run_tasks(p, gen, 0);

    for (int i = 0; i < SPIN_WAIT; i++) {
        if (atomic_load_explicit(&p->done, memory_order_acquire) == n_tasks)
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&p->mu);
    p->caller_waiting = 1;
    while (atomic_load_explicit(&p->done, memory_order_acquire) != n_tasks)
        pthread_cond_wait(&p->finished, &p->mu);
    p->caller_waiting = 0;
    pthread_mutex_unlock(&p->mu);
}
