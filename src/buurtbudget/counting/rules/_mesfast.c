/* One Method of Equal Shares run (Cost_Sat) in float64 with rigorous error bounds, compiled.
 *
 * This is the float engine of mes_core.run_float without its exact fallbacks: the same quantities, the
 * same error bounds, the same decisions. Wherever a decision comes closer than its error bound (a supporter
 * whose money is too close to the price, a plan whose supporters have about its cost, two plans with about
 * the same rho / cost) the run gives up and returns -1; the caller then runs mes_core.run_float, which
 * decides those cases exactly. So a returned run is the exact MES run, only computed faster.
 *
 * It must be built without fast-math and without floating-point contraction (see pyproject.toml): the error
 * bounds assume every operation is one IEEE-754 double operation, correctly rounded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EPS 2.3e-16 /* float64 unit roundoff, rounded up (as mes_core.EPS) */
#define MAX_PASSES 64

typedef struct {
    double money, error; /* a voter group's money and the bound on its rounding error, side by side */
} Purse;

typedef struct {
    Py_buffer ptr, grp, gw, cost, tw, eligible, ranks, thresholds;
    Py_buffer order, afford, afford_err, exact_w, cutoff, others_ptr, others_p, others_low, others_w;
} Buffers;

static int check(Py_buffer *view, Py_ssize_t itemsize, Py_ssize_t at_least, const char *name) {
    if (view->itemsize != itemsize || view->len % itemsize != 0 || view->len / itemsize < at_least) {
        PyErr_Format(PyExc_ValueError, "_mesfast.run: %s has the wrong type or size", name);
        return 0;
    }
    return 1;
}

/* The run itself. Returns the number of rounds, or -1 when floats cannot decide, or -2 when out of memory. */
static Py_ssize_t mes_run(
    const int64_t *ptr, const int64_t *grp, const double *gw, Py_ssize_t n_groups, const double *cost,
    const double *tw, const int64_t *eligible, Py_ssize_t n_eligible, const int64_t *ranks, double b,
    const double *thresholds, Py_ssize_t n_thresholds, int64_t *order, double *afford, double *afford_err,
    double *exact_w, double *cutoff, int64_t *others_ptr, int64_t *others_p, double *others_low,
    double *others_w, Py_ssize_t n_projects) {
    Py_ssize_t rounds = 0, n_others = 0, result = -1;
    Purse *purse = malloc(sizeof(Purse) * (size_t)(n_groups > 0 ? n_groups : 1));
    double *lower = malloc(sizeof(double) * (size_t)(n_projects > 0 ? n_projects : 1));
    size_t e_size = (size_t)(n_eligible > 0 ? n_eligible : 1);
    int64_t *remaining = malloc(sizeof(int64_t) * e_size);
    int64_t *kept = malloc(sizeof(int64_t) * e_size);
    int64_t *cand_p = malloc(sizeof(int64_t) * e_size);
    double *cand_a = malloc(sizeof(double) * e_size);
    double *cand_err = malloc(sizeof(double) * e_size);
    double *cand_rho = malloc(sizeof(double) * e_size);
    double *cand_rho_err = malloc(sizeof(double) * e_size);
    double *cand_w = malloc(sizeof(double) * e_size);
    if (!cand_w || !purse || !lower || !remaining || !kept || !cand_p || !cand_a || !cand_err || !cand_rho ||
        !cand_rho_err) {
        result = -2;
        goto done;
    }
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        purse[g].money = b;
        purse[g].error = 4 * EPS * b;
    }
    Py_ssize_t n_remaining = n_eligible;
    for (Py_ssize_t i = 0; i < n_eligible; i++) {
        int64_t p = eligible[i];
        remaining[i] = p;
        lower[p] = 1.0 / tw[p] * (1 - 4 * EPS);
    }
    others_ptr[0] = 0;
    for (;;) {
        double threshold = rounds < n_thresholds ? thresholds[rounds] : -INFINITY;
        /* insertion sort by lower bound: the order changes little from round to round */
        for (Py_ssize_t i = 1; i < n_remaining; i++) {
            int64_t p = remaining[i];
            Py_ssize_t j = i;
            while (j > 0 && lower[remaining[j - 1]] > lower[p]) {
                remaining[j] = remaining[j - 1];
                j--;
            }
            remaining[j] = p;
        }
        double best_a = INFINITY, best_err = 0.0, cut = INFINITY;
        Py_ssize_t n_cand = 0, n_kept = 0, best = -1;
        for (Py_ssize_t i = 0; i < n_remaining; i++) {
            int64_t p = remaining[i];
            double limit = best_a + best_err > threshold ? best_a + best_err : threshold;
            if (lower[p] > limit) {
                cut = limit;
                for (Py_ssize_t j = i; j < n_remaining; j++) kept[n_kept++] = remaining[j];
                break;
            }
            int64_t start = ptr[p], end = ptr[p + 1];
            double c = cost[p], weight = tw[p];
            /* One pass gives the supporters' money and, at a first trial price, who cannot pay it; later
             * passes (water-filling) repeat the second part until the set of those who pay all they have
             * stops growing. The trial price is a lower bound of the price: cost / weight, or the bound
             * from this plan's price in an earlier round (money only falls, so prices only rise). From a
             * lower bound every step stays a lower bound, so the sets only grow and the same weight twice
             * means the same set: the price. */
            double rho = c / weight, previous = 0.0, warm = lower[p] * c * (1 - 4 * EPS);
            if (warm > rho) {
                rho = warm;
                previous = -1.0; /* not yet a price computed from a set */
            }
            double total = 0.0, total_err = 0.0, e_max = 0.0;
            double poor_weight = 0.0, paid = 0.0, paid_err = 0.0, highest_poor = 0.0, lowest_rich = INFINITY;
            for (int64_t j = start; j < end; j++) {
                const Purse *q = &purse[grp[j]];
                double x = q->money, w = gw[j], e = q->error;
                total += x * w;
                total_err += e * w;
                if (e > e_max) e_max = e;
                if (x < rho) {
                    poor_weight += w;
                    paid += x * w;
                    paid_err += e * w;
                    if (x > highest_poor) highest_poor = x;
                } else if (x < lowest_rich) {
                    lowest_rich = x;
                }
            }
            total_err += (double)(end - start + 2) * EPS * total;
            if (total < c - total_err) continue; /* unaffordable now, and money only falls within a run */
            if (total <= c + total_err) goto done; /* about the cost: needs exact money */
            int settled = poor_weight == previous;
            for (int pass = 0; !settled && pass < MAX_PASSES; pass++) {
                if (poor_weight >= weight) goto done; /* all pay all they have: exactly the cost */
                previous = poor_weight;
                rho = (c - paid) / (weight - poor_weight);
                if (lowest_rich >= rho) { /* nobody has money between the old and the new price: same set */
                    settled = 1;
                    break;
                }
                poor_weight = paid = paid_err = highest_poor = 0.0;
                lowest_rich = INFINITY;
                for (int64_t j = start; j < end; j++) {
                    const Purse *q = &purse[grp[j]];
                    double x = q->money, w = gw[j];
                    if (x < rho) {
                        poor_weight += w;
                        paid += x * w;
                        paid_err += q->error * w;
                        if (x > highest_poor) highest_poor = x;
                    } else if (x < lowest_rich) {
                        lowest_rich = x;
                    }
                }
                settled = poor_weight == previous; /* the sets only grow: same weight, same set */
            }
            if (!settled) goto done;
            double rho_err;
            if (poor_weight == 0.0) {
                rho_err = EPS * (c + rho);
            } else {
                rho_err = (paid_err + (poor_weight + 2) * EPS * (paid + c)) / (weight - poor_weight) + EPS * rho;
            }
            if (!(lowest_rich - rho > e_max + rho_err)) goto done;
            if (highest_poor > 0 && !(rho - highest_poor > e_max + rho_err)) goto done;
            double a = rho / c;
            double a_err = rho_err / c + 2 * EPS * a;
            lower[p] = a - a_err;
            kept[n_kept++] = p;
            cand_p[n_cand] = p;
            cand_a[n_cand] = a;
            cand_err[n_cand] = a_err;
            cand_rho[n_cand] = rho;
            cand_rho_err[n_cand] = rho_err;
            /* nobody pays less than the price: then rho = cost / weight exactly, and rho / cost = 1 / weight */
            cand_w[n_cand] = poor_weight == 0.0 ? weight : 0.0;
            if (a < best_a) {
                best_a = a;
                best_err = a_err;
                best = n_cand;
            }
            n_cand++;
        }
        cutoff[rounds] = cut;
        if (n_cand == 0) {
            result = rounds;
            goto done;
        }
        /* A near-tie is decided here only when every plan in it has rho / cost = 1 / weight exactly: the
         * most supporters win, then the tie-break rank. Any other near-tie needs exact arithmetic. */
        Py_ssize_t chosen = best;
        for (Py_ssize_t k = 0; k < n_cand; k++) {
            if (k == best || !(cand_a[k] - cand_err[k] <= best_a + best_err)) continue;
            if (cand_w[k] == 0.0 || cand_w[best] == 0.0) goto done;
            if (cand_w[k] > cand_w[chosen] || (cand_w[k] == cand_w[chosen] && ranks[cand_p[k]] < ranks[cand_p[chosen]]))
                chosen = k;
        }
        best = chosen;
        int64_t winner = cand_p[best];
        order[rounds] = winner;
        afford[rounds] = cand_a[best];
        afford_err[rounds] = cand_err[best];
        exact_w[rounds] = cand_w[best];
        for (Py_ssize_t k = 0; k < n_cand; k++) {
            if (k == best) continue;
            others_p[n_others] = cand_p[k];
            others_low[n_others] = cand_a[k] - cand_err[k];
            others_w[n_others] = cand_w[k];
            n_others++;
        }
        rounds++;
        others_ptr[rounds] = n_others;
        double rho = cand_rho[best], step = cand_rho_err[best] + 2 * EPS * (b + rho);
        for (int64_t j = ptr[winner]; j < ptr[winner + 1]; j++) {
            Purse *q = &purse[grp[j]];
            if (q->money <= rho) {
                q->money = 0.0;
                q->error = 0.0;
            } else {
                q->money -= rho;
                q->error += step;
            }
        }
        n_remaining = 0;
        for (Py_ssize_t i = 0; i < n_kept; i++) {
            if (kept[i] != winner) remaining[n_remaining++] = kept[i];
        }
    }
done:
    free(purse);
    free(lower);
    free(remaining);
    free(kept);
    free(cand_p);
    free(cand_a);
    free(cand_err);
    free(cand_rho);
    free(cand_rho_err);
    free(cand_w);
    return result;
}

/* ---- Certifying that the run keeps one order for every per-voter budget in [X, Y] ----
 *
 * With the same winners in the same order at budgets X <= b <= Y, prices only fall as b rises, so a voter
 * group that still has money at X pays the price in every round at every b, and its money at b is at least
 * its money at X plus (b - X); at most its money at Y minus (Y - b) (or none). For b in a cell [X + s, X + t]
 * the winner's rho / cost is then at most its value with the money at X shifted up by s, and another plan's
 * at least its value with the money at Y shifted down by (Y - X) - t. Where that separates them the cell is
 * certified; where not, the cell is split, down to a few levels. No run at any budget in between is needed. */

#define MAX_DEPTH 5

/* Price of a plan from its supporters' money x[j] (error bounds e[j], weights w[j]), as in mes_run.
 * 1: decided (*rho, *err); 0: too close to call; 2: the supporters certainly cannot afford it. */
static int price_of(const double *x, const double *e, const double *w, int64_t n, double c, double weight,
                    double *rho_out, double *err_out) {
    double total = 0.0, total_err = 0.0, e_max = 0.0;
    for (int64_t j = 0; j < n; j++) {
        total += x[j] * w[j];
        total_err += e[j] * w[j];
        if (e[j] > e_max) e_max = e[j];
    }
    total_err += (double)(n + 2) * EPS * total;
    if (total < c - total_err) return 2;
    if (total <= c + total_err) return 0;
    double rho = c / weight, previous = 0.0, poor_weight = 0.0, paid = 0.0, paid_err = 0.0;
    double highest_poor = 0.0, lowest_rich = INFINITY;
    int settled = 0;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        poor_weight = paid = paid_err = highest_poor = 0.0;
        lowest_rich = INFINITY;
        for (int64_t j = 0; j < n; j++) {
            if (x[j] < rho) {
                poor_weight += w[j];
                paid += x[j] * w[j];
                paid_err += e[j] * w[j];
                if (x[j] > highest_poor) highest_poor = x[j];
            } else if (x[j] < lowest_rich) {
                lowest_rich = x[j];
            }
        }
        if (poor_weight == previous) {
            settled = 1;
            break;
        }
        if (poor_weight >= weight) return 0;
        previous = poor_weight;
        rho = (c - paid) / (weight - poor_weight);
    }
    if (!settled) return 0;
    double err = poor_weight == 0.0
                     ? EPS * (c + rho)
                     : (paid_err + (poor_weight + 2) * EPS * (paid + c)) / (weight - poor_weight) + EPS * rho;
    if (!(lowest_rich - rho > e_max + err)) return 0;
    if (highest_poor > 0 && !(rho - highest_poor > e_max + err)) return 0;
    *rho_out = rho;
    *err_out = err;
    return 1;
}

typedef struct {
    const int64_t *ptr, *grp;
    const double *gw, *cost, *tw;
    double *mx, *ex, *my, *ey; /* money and error bounds per group at X and at Y */
    double *xs, *es;           /* scratch: one plan's supporters */
    double d_low, d_high;      /* bounds of Y - X */
} Bracket;

/* Upper bound of the winner's rho / cost at every budget from X + s on (money at X shifted up by s). */
static int winner_bound(Bracket *k, int64_t p, double s, double *out) {
    int64_t start = k->ptr[p], n = k->ptr[p + 1] - start;
    for (int64_t j = 0; j < n; j++) {
        int64_t g = k->grp[start + j];
        double m = k->mx[g];
        k->xs[j] = m > 0 ? m + s : 0.0;
        k->es[j] = m > 0 ? k->ex[g] + EPS * k->xs[j] : 0.0;
    }
    double rho, err;
    if (price_of(k->xs, k->es, k->gw + start, n, k->cost[p], k->tw[p], &rho, &err) != 1) return 0;
    *out = (rho + err) / k->cost[p] * (1 + 4 * EPS);
    return 1;
}

/* Lower bound of a plan's rho / cost at every budget up to X + t (money at Y shifted down by Y - X - t);
 * infinity when it cannot be afforded there. */
static int other_bound(Bracket *k, int64_t q, double t, double *out) {
    int64_t start = k->ptr[q], n = k->ptr[q + 1] - start;
    double down = k->d_low - t;
    down = down > 0 ? down * (1 - 4 * EPS) : 0.0;
    for (int64_t j = 0; j < n; j++) {
        int64_t g = k->grp[start + j];
        double m = k->my[g], v = m - down;
        k->xs[j] = v > 0 ? v : 0.0;
        k->es[j] = m > 0 ? k->ey[g] + 2 * EPS * (m + down) : 0.0;
    }
    double rho, err;
    int decided = price_of(k->xs, k->es, k->gw + start, n, k->cost[q], k->tw[q], &rho, &err);
    if (decided == 2) {
        *out = INFINITY;
        return 1;
    }
    if (decided != 1) return 0;
    *out = (rho - err) / k->cost[q] * (1 - 4 * EPS);
    return 1;
}

/* Whether plan q loses to winner w in this round at every budget in [X, Y]: by cells, split where needed. */
static int separated(Bracket *k, int64_t w, int64_t q) {
    double lo[MAX_DEPTH + 2], hi[MAX_DEPTH + 2];
    int depth[MAX_DEPTH + 2], top = 0;
    lo[0] = 0.0;
    hi[0] = k->d_high;
    depth[0] = 0;
    while (top >= 0) {
        double s = lo[top], t = hi[top], upper, lower;
        int d = depth[top--];
        if (winner_bound(k, w, s, &upper) && other_bound(k, q, t, &lower) && upper < lower) continue;
        if (d >= MAX_DEPTH) return 0;
        double mid = s + (t - s) / 2;
        if (!(mid > s && mid < t)) return 0;
        top++; /* depth-first: the later half waits on the stack */
        lo[top] = mid, hi[top] = t, depth[top] = d + 1;
        top++;
        lo[top] = s, hi[top] = mid, depth[top] = d + 1;
    }
    return 1;
}

/* Pay for the winner at one budget, as mes_run does; 0 when floats cannot decide. */
static int pay_for(Bracket *k, double *money, double *error, int64_t w, double b) {
    int64_t start = k->ptr[w], n = k->ptr[w + 1] - start;
    for (int64_t j = 0; j < n; j++) {
        int64_t g = k->grp[start + j];
        k->xs[j] = money[g];
        k->es[j] = error[g];
    }
    double rho, err;
    if (price_of(k->xs, k->es, k->gw + start, n, k->cost[w], k->tw[w], &rho, &err) != 1) return 0;
    double step = err + 2 * EPS * (b + rho);
    for (int64_t j = 0; j < n; j++) {
        int64_t g = k->grp[start + j];
        if (money[g] <= rho) {
            money[g] = 0.0;
            error[g] = 0.0;
        } else {
            money[g] -= rho;
            error[g] += step;
        }
    }
    return 1;
}

static int certify_interval(Bracket *k, Py_ssize_t n_groups, const int64_t *order, Py_ssize_t n_rounds, double x,
                            double y, const int64_t *pair_round, const int64_t *pair_plan, Py_ssize_t n_pairs) {
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        k->mx[g] = x;
        k->ex[g] = 4 * EPS * x;
        k->my[g] = y;
        k->ey[g] = 4 * EPS * y;
    }
    Py_ssize_t i = 0;
    for (Py_ssize_t r = 0; r < n_rounds && i < n_pairs; r++) { /* rounds after the last pair do not matter */
        for (; i < n_pairs && pair_round[i] == r; i++) {
            if (!separated(k, order[r], pair_plan[i])) return 0;
        }
        if (i < n_pairs && (!pay_for(k, k->mx, k->ex, order[r], x) || !pay_for(k, k->my, k->ey, order[r], y)))
            return 0;
    }
    return i == n_pairs;
}

static PyObject *certify(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer ptr, grp, gw, cost, tw, order, pair_round, pair_plan;
    Py_ssize_t n_groups;
    double x, y, d_low, d_high;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*y*y*ddddy*y*", &ptr, &grp, &gw, &n_groups, &cost, &tw, &order, &x, &y,
                          &d_low, &d_high, &pair_round, &pair_plan))
        return NULL;
    Py_buffer *all[] = {&ptr, &grp, &gw, &cost, &tw, &order, &pair_round, &pair_plan};
    Py_ssize_t n_projects = cost.len / 8, n_grp = grp.len / 8, n_rounds = order.len / 8, n_pairs = pair_round.len / 8;
    const int64_t *p_ptr = ptr.buf, *p_grp = grp.buf, *p_order = order.buf, *p_round = pair_round.buf,
                  *p_plan = pair_plan.buf;
    int ok = ptr.len == (n_projects + 1) * 8 && gw.len == grp.len && tw.len == cost.len && pair_plan.len == pair_round.len &&
             n_groups >= 0;
    int64_t widest = 1;
    for (Py_ssize_t p = 0; ok && p < n_projects; p++) {
        if (p_ptr[p] < 0 || p_ptr[p] > p_ptr[p + 1] || p_ptr[p + 1] > n_grp) ok = 0;
        else if (p_ptr[p + 1] - p_ptr[p] > widest) widest = p_ptr[p + 1] - p_ptr[p];
    }
    for (Py_ssize_t j = 0; ok && j < n_grp; j++) {
        if (p_grp[j] < 0 || p_grp[j] >= n_groups) ok = 0;
    }
    for (Py_ssize_t r = 0; ok && r < n_rounds; r++) {
        if (p_order[r] < 0 || p_order[r] >= n_projects) ok = 0;
    }
    for (Py_ssize_t i = 0; ok && i < n_pairs; i++) { /* rounds in order, plans in range */
        if (p_round[i] < 0 || p_round[i] >= n_rounds || (i > 0 && p_round[i] < p_round[i - 1]) || p_plan[i] < 0 ||
            p_plan[i] >= n_projects)
            ok = 0;
    }
    if (!ok) {
        for (size_t b = 0; b < sizeof(all) / sizeof(all[0]); b++) PyBuffer_Release(all[b]);
        PyErr_SetString(PyExc_ValueError, "_mesfast.certify: inconsistent arguments");
        return NULL;
    }
    size_t groups = (size_t)(n_groups > 0 ? n_groups : 1);
    Bracket k = {p_ptr, p_grp, gw.buf, cost.buf, tw.buf, malloc(sizeof(double) * groups),
                 malloc(sizeof(double) * groups), malloc(sizeof(double) * groups), malloc(sizeof(double) * groups),
                 malloc(sizeof(double) * (size_t)widest), malloc(sizeof(double) * (size_t)widest), d_low, d_high};
    int result = -1;
    if (k.mx && k.ex && k.my && k.ey && k.xs && k.es) {
        Py_BEGIN_ALLOW_THREADS result =
            certify_interval(&k, n_groups, p_order, n_rounds, x, y, p_round, p_plan, n_pairs);
        Py_END_ALLOW_THREADS
    }
    free(k.mx);
    free(k.ex);
    free(k.my);
    free(k.ey);
    free(k.xs);
    free(k.es);
    for (size_t b = 0; b < sizeof(all) / sizeof(all[0]); b++) PyBuffer_Release(all[b]);
    if (result < 0) return PyErr_NoMemory();
    return PyBool_FromLong(result);
}

static void release(Buffers *bufs) {
    Py_buffer *all[] = {&bufs->ptr,        &bufs->grp,    &bufs->gw,         &bufs->cost,       &bufs->tw,
                        &bufs->eligible,   &bufs->ranks,  &bufs->thresholds, &bufs->order,      &bufs->afford,
                        &bufs->afford_err, &bufs->exact_w, &bufs->cutoff,    &bufs->others_ptr, &bufs->others_p,
                        &bufs->others_low, &bufs->others_w};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (all[i]->obj != NULL) PyBuffer_Release(all[i]);
    }
}

static PyObject *run(PyObject *self, PyObject *args) {
    (void)self;
    Buffers bufs;
    memset(&bufs, 0, sizeof(bufs));
    double b;
    Py_ssize_t n_groups = 0;
    if (!PyArg_ParseTuple(args, "y*y*y*ny*y*y*y*dy*w*w*w*w*w*w*w*w*w*", &bufs.ptr, &bufs.grp, &bufs.gw,
                          &n_groups, &bufs.cost, &bufs.tw, &bufs.eligible, &bufs.ranks, &b, &bufs.thresholds, &bufs.order,
                          &bufs.afford, &bufs.afford_err, &bufs.exact_w, &bufs.cutoff, &bufs.others_ptr,
                          &bufs.others_p, &bufs.others_low, &bufs.others_w)) {
        release(&bufs);
        return NULL;
    }
    Py_ssize_t n_projects = bufs.cost.len / 8, n_eligible = bufs.eligible.len / 8;

    Py_ssize_t n_pairs = n_eligible * n_eligible;
    int ok = check(&bufs.ptr, 8, n_projects + 1, "ptr") && check(&bufs.grp, 8, 0, "grp") &&
             check(&bufs.gw, 8, bufs.grp.len / 8, "weights") && check(&bufs.cost, 8, 0, "cost") &&
             check(&bufs.tw, 8, n_projects, "tw") && check(&bufs.eligible, 8, 0, "eligible") &&
             check(&bufs.ranks, 8, n_projects, "ranks") && check(&bufs.exact_w, 8, n_eligible, "exact_w") &&
             check(&bufs.others_w, 8, n_pairs, "others_w") &&
             check(&bufs.thresholds, 8, 0, "thresholds") && check(&bufs.order, 8, n_eligible, "order") &&
             check(&bufs.afford, 8, n_eligible, "afford") && check(&bufs.afford_err, 8, n_eligible, "afford_err") &&
             check(&bufs.cutoff, 8, n_eligible + 1, "cutoff") &&
             check(&bufs.others_ptr, 8, n_eligible + 1, "others_ptr") &&
             check(&bufs.others_p, 8, n_pairs, "others_p") && check(&bufs.others_low, 8, n_pairs, "others_low");
    const int64_t *ptr = bufs.ptr.buf, *grp = bufs.grp.buf, *eligible = bufs.eligible.buf;
    Py_ssize_t n_grp = bufs.grp.len / 8;
    for (Py_ssize_t p = 0; ok && p < n_projects; p++) { /* indices in range: no reads out of bounds */
        if (ptr[p] < 0 || ptr[p] > ptr[p + 1] || ptr[p + 1] > n_grp) ok = 0;
    }
    for (Py_ssize_t j = 0; ok && j < n_grp; j++) {
        if (grp[j] < 0 || grp[j] >= n_groups) ok = 0;
    }
    for (Py_ssize_t i = 0; ok && i < n_eligible; i++) {
        if (eligible[i] < 0 || eligible[i] >= n_projects) ok = 0;
    }
    if (!ok) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "_mesfast.run: an index is out of range");
        release(&bufs);
        return NULL;
    }
    Py_ssize_t rounds;
    Py_BEGIN_ALLOW_THREADS rounds = mes_run(
        ptr, grp, bufs.gw.buf, n_groups, bufs.cost.buf, bufs.tw.buf, eligible, n_eligible, bufs.ranks.buf, b,
        bufs.thresholds.buf, bufs.thresholds.len / 8, bufs.order.buf, bufs.afford.buf, bufs.afford_err.buf,
        bufs.exact_w.buf, bufs.cutoff.buf, bufs.others_ptr.buf, bufs.others_p.buf, bufs.others_low.buf,
        bufs.others_w.buf, n_projects);
    Py_END_ALLOW_THREADS release(&bufs);
    if (rounds == -2) return PyErr_NoMemory();
    return PyLong_FromSsize_t(rounds);
}

static PyMethodDef methods[] = {
    {"run", run, METH_VARARGS,
     "run(ptr, grp, weights, n_groups, cost, tw, eligible, ranks, b, thresholds, order, afford, afford_err, exact_w, cutoff, "
     "others_ptr, others_p, others_low, others_w) -> rounds, or -1 when floats cannot decide"},
    {"certify", certify, METH_VARARGS,
     "certify(ptr, grp, weights, n_groups, cost, tw, order, x, y, d_low, d_high, pair_round, pair_plan) -> "
     "whether every listed plan loses to that round's winner at every budget in [x, y]"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_mesfast", "A compiled float run of the Method of Equal Shares (see mes_fast.py).", -1,
    methods,               NULL,       NULL,
    NULL,                  NULL};

PyMODINIT_FUNC PyInit__mesfast(void) { return PyModule_Create(&module); }
