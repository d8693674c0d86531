/* pool.h - a persistent pthreads worker pool that cuts the latency of one call.
 *
 * A job is (function, context, task count). mtcnn__pool_run hands it to the workers and the
 * calling thread; each takes task indices from a shared atomic counter until none are left,
 * and the call returns when every task has finished. Threads are created once, in
 * mtcnn__pool_create; between jobs the workers spin briefly, then sleep on a condition
 * variable. Running a job allocates nothing.
 */
#pragma once

typedef struct mtcnn__pool mtcnn__pool;

/* task in [0, n_tasks); worker in [0, threads) identifies the thread (0 = the caller), so a
 * task can use per-thread scratch memory. */
typedef void (*mtcnn__task_fn)(void *ctx, int task, int worker);

/* A pool running jobs on `threads` threads in all: the caller plus threads - 1 workers.
 * threads = 1 creates no thread. Returns 0 or MTCNN_ENOMEM / MTCNN_EUNSUPPORTED. */
int mtcnn__pool_create(int threads, mtcnn__pool **out);
/* Stops and joins the workers. Accepts NULL. */
void mtcnn__pool_destroy(mtcnn__pool *p);
int mtcnn__pool_threads(const mtcnn__pool *p);
/* Runs fn(ctx, i, worker) for every i in [0, n_tasks) and returns when all are done. Not
 * reentrant: one job at a time per pool (one detector is used by one thread at a time). */
void mtcnn__pool_run(mtcnn__pool *p, mtcnn__task_fn fn, void *ctx, int n_tasks);
