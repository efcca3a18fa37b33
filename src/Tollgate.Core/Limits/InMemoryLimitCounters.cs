using System.Collections.Concurrent;
using Tollgate.Accounts;
using Tollgate.Core.Budgets;

namespace Tollgate.Core.Limits;

/// <summary>
/// Rate and budget counters for one gateway instance. Each (scope kind, id) has one small state object guarded by its
/// own lock, so calls of different keys never contend; only calls sharing a scope (a team, a model) do, and only for
/// the few arithmetic steps of a check.
/// </summary>
/// <remarks>
/// Admission, per request:
/// 1. Read the time once.
/// 2. For each scope with something to enforce, in the order given: lock its state, apply the scope's current limits
///    and budget (they may have changed since the last call), refill its buckets, roll its budget period over if it
///    has ended, check every limit (parallel, requests, tokens, budget) and, only if all admit, take them all; unlock.
///    Only one lock is held at a time, so there is no lock ordering and no deadlock.
/// 3. If a scope refuses, give back what the earlier scopes took (each under its lock) and return the refusal. In the
///    short window between taking and giving back, a concurrent call may see less room than there is and be refused:
///    the rollback can cause a spurious refusal, never an admission beyond a limit.
/// 4. Otherwise return a ticket holding what was taken; settling it replaces the reservations with the real usage.
/// States are never evicted: there is one per key, user, team and model name that has limits, a few hundred bytes each.
/// </remarks>
public sealed class InMemoryLimitCounters : ILimitCounters
{
    private readonly ConcurrentDictionary<ScopeKey, ScopeState> _scopes = new();
    private readonly TimeProvider _time;

    /// <summary>Creates empty counters.</summary>
    public InMemoryLimitCounters(TimeProvider time) => _time = time;

    /// <inheritdoc/>
    public AdmissionResult TryAdmit(in AdmissionRequest request)
    {
        // Step 1.
        var now = _time.GetUtcNow();
        var limited = 0;
        foreach (ref readonly var scope in request.Scopes)
        {
            if (!scope.IsUnlimited)
            {
                limited++;
            }
        }

        if (limited == 0)
        {
            return AdmissionResult.Unlimited;
        }

        // Step 2.
        var held = new HeldScope[limited];
        var count = 0;
        foreach (ref readonly var scope in request.Scopes)
        {
            if (scope.IsUnlimited)
            {
                continue;
            }

            var state = _scopes.GetOrAdd(new ScopeKey(scope.Kind, scope.Id), static _ => new ScopeState());
            var refusal = state.TryReserve(scope, request.ReservedTokens, request.ReservedCostNanoDollars, now, out held[count]);
            if (refusal is not null)
            {
                // Step 3.
                for (var i = 0; i < count; i++)
                {
                    held[i].State.Release(held[i], request.ReservedTokens, request.ReservedCostNanoDollars ?? 0, now);
                }

                return AdmissionResult.Refused(refusal);
            }

            count++;
        }

        // Step 4.
        return AdmissionResult.Admitted(new Ticket(this, held, request.ReservedTokens, request.ReservedCostNanoDollars, now));
    }

    /// <inheritdoc/>
    public BudgetStatus? GetStatus(LimitScopeKind kind, string id)
    {
        if (!_scopes.TryGetValue(new ScopeKey(kind, id), out var state))
        {
            return null;
        }

        return state.BudgetStatus(_time.GetUtcNow());
    }

    /// <inheritdoc/>
    public void SetBudget(LimitScopeKind kind, string id, BudgetSpec? budget)
    {
        if (budget is null && !_scopes.ContainsKey(new ScopeKey(kind, id)))
        {
            return;
        }

        _scopes.GetOrAdd(new ScopeKey(kind, id), static _ => new ScopeState()).SetBudget(budget, _time.GetUtcNow());
    }

    /// <inheritdoc/>
    public bool SeedBudget(LimitScopeKind kind, string id, BudgetSpec budget, DateTimeOffset periodStart, long spentNanoDollars) =>
        _scopes.GetOrAdd(new ScopeKey(kind, id), static _ => new ScopeState()).Seed(budget, periodStart, spentNanoDollars, _time.GetUtcNow());

    private readonly record struct ScopeKey(LimitScopeKind Kind, string Id);

    /// <summary>What one scope's admission took, to settle or give back.</summary>
    private struct HeldScope
    {
        public ScopeState State;
        public bool Requests;
        public bool Tokens;
        public bool Budget;
        public long BudgetGeneration;
        public RateWindow? RequestsWindow;
        public RateWindow? TokensWindow;
    }

    /// <summary>The counters of one scope. Every member runs under <see cref="_gate"/>.</summary>
    private sealed class ScopeState
    {
        private static readonly TimeSpan ParallelRetryAfter = TimeSpan.FromSeconds(1);
        private readonly Lock _gate = new();
        private TokenBucket _requests;
        private TokenBucket _tokens;
        private int _inFlight;
        private BudgetCounter? _budget;

        public LimitRefusal? TryReserve(in LimitScope scope, long tokens, long? cost, DateTimeOffset now, out HeldScope held)
        {
            held = default;
            var ticks = now.UtcTicks;
            var limits = scope.Limits ?? LimitSpec.None;
            lock (_gate)
            {
                // Apply the current limits; they travel with every request, so changes take effect at once.
                _requests.Configure(Math.Max(0, limits.RequestsPerMinute ?? 0), ticks);
                _tokens.Configure(Math.Max(0, limits.TokensPerMinute ?? 0), ticks);
                ConfigureBudget(scope.Budget, now);
                _requests.Refill(ticks);
                _tokens.Refill(ticks);

                var refusal = Check(scope, limits, tokens, cost ?? 0, now);
                if (refusal is not null)
                {
                    return refusal;
                }

                _inFlight++;
                held.State = this;
                if (_requests.IsEnabled)
                {
                    _requests.Add(-1);
                    held.Requests = true;
                    held.RequestsWindow = _requests.Window(now);
                }

                if (_tokens.IsEnabled)
                {
                    _tokens.Add(-tokens);
                    held.Tokens = true;
                    held.TokensWindow = _tokens.Window(now);
                }

                if (_budget?.Spec is not null)
                {
                    _budget.Reserve(cost ?? 0);
                    held.Budget = true;
                    held.BudgetGeneration = _budget.Generation;
                }

                return null;
            }
        }

        private LimitRefusal? Check(in LimitScope scope, LimitSpec limits, long tokens, long cost, DateTimeOffset now)
        {
            if (limits.MaxParallel is { } parallel && _inFlight >= parallel)
            {
                return Refusal(scope, LimitKind.Parallel, Math.Max(0, parallel), 0, 1, now, null, parallel > 0 ? ParallelRetryAfter : null);
            }

            // A limit of zero blocks every call; a bucket is only kept for positive limits.
            if (limits.RequestsPerMinute is <= 0)
            {
                return Refusal(scope, LimitKind.Requests, 0, 0, 1, now, null, null);
            }

            if (_requests.IsEnabled && !_requests.CanTake(1))
            {
                return Refusal(scope, LimitKind.Requests, _requests.Capacity, _requests.Remaining, 1, now, now.AddTicks(_requests.TicksUntilFull), TimeSpan.FromTicks(_requests.TicksUntilAvailable(1)));
            }

            if (limits.TokensPerMinute is <= 0)
            {
                return Refusal(scope, LimitKind.Tokens, 0, 0, tokens, now, null, null);
            }

            if (_tokens.IsEnabled && !_tokens.CanTake(tokens))
            {
                return Refusal(scope, LimitKind.Tokens, _tokens.Capacity, _tokens.Remaining, tokens, now, now.AddTicks(_tokens.TicksUntilFull), TimeSpan.FromTicks(_tokens.TicksUntilAvailable(tokens)));
            }

            if (_budget?.Spec is { } spec && !_budget.CanReserve(cost))
            {
                return Refusal(scope, LimitKind.Budget, spec.LimitNanoDollars, _budget.Remaining, cost, now, _budget.PeriodEnd, _budget.PeriodEnd - now, spec.Period);
            }

            return null;
        }

        private LimitRefusal Refusal(
            in LimitScope scope,
            LimitKind kind,
            long limit,
            long remaining,
            long requested,
            DateTimeOffset now,
            DateTimeOffset? resetsAt,
            TimeSpan? retryAfter,
            BudgetPeriod? period = null) => new()
            {
                ScopeKind = scope.Kind,
                ScopeId = scope.Id,
                Limit = kind,
                LimitValue = limit,
                Remaining = remaining,
                Requested = requested,
                ResetsAt = resetsAt,
                RetryAfter = retryAfter,
                BudgetPeriod = period,
                At = now,
                Requests = _requests.IsEnabled ? _requests.Window(now) : null,
                Tokens = _tokens.IsEnabled ? _tokens.Window(now) : null,
            };

        /// <summary>Gives back what <see cref="TryReserve"/> took (a later scope refused).</summary>
        public void Release(in HeldScope held, long tokens, long cost, DateTimeOffset now)
        {
            lock (_gate)
            {
                _inFlight--;
                if (held.Requests)
                {
                    _requests.Add(1);
                }

                if (held.Tokens)
                {
                    _tokens.Add(tokens);
                }

                if (held.Budget)
                {
                    _budget?.Unreserve(held.BudgetGeneration, cost);
                }
            }
        }

        /// <summary>Replaces the reservation with the real usage and frees the parallel slot.</summary>
        public void Settle(in HeldScope held, long reservedTokens, long reservedCost, long actualTokens, long actualCost, DateTimeOffset now)
        {
            lock (_gate)
            {
                _inFlight--;
                if (held.Tokens)
                {
                    _tokens.Refill(now.UtcTicks);
                    _tokens.Add(reservedTokens - actualTokens);
                }

                if (held.Budget)
                {
                    _budget?.Settle(held.BudgetGeneration, reservedCost, actualCost);
                }
            }
        }

        public BudgetStatus? BudgetStatus(DateTimeOffset now)
        {
            lock (_gate)
            {
                _budget?.Roll(now);
                return _budget?.Status();
            }
        }

        public void SetBudget(BudgetSpec? budget, DateTimeOffset now)
        {
            lock (_gate)
            {
                ConfigureBudget(budget, now);
            }
        }

        public bool Seed(BudgetSpec budget, DateTimeOffset periodStart, long spent, DateTimeOffset now)
        {
            lock (_gate)
            {
                ConfigureBudget(budget, now);
                if (_budget!.PeriodStart != periodStart)
                {
                    return false;
                }

                _budget.Seed(spent);
                return true;
            }
        }

        private void ConfigureBudget(BudgetSpec? budget, DateTimeOffset now)
        {
            if (budget is null)
            {
                _budget?.Configure(null, now);
                return;
            }

            _budget ??= new BudgetCounter(budget, now);
            _budget.Configure(budget, now);
        }
    }

    /// <summary>An admitted call's holdings across its scopes.</summary>
    private sealed class Ticket : AdmissionTicket
    {
        private readonly InMemoryLimitCounters _owner;
        private readonly HeldScope[] _held;
        private readonly long _reservedTokens;
        private readonly long? _reservedCost;
        private readonly DateTimeOffset _at;
        private readonly RateWindow? _requests;
        private readonly RateWindow? _tokens;

        public Ticket(InMemoryLimitCounters owner, HeldScope[] held, long reservedTokens, long? reservedCost, DateTimeOffset at)
        {
            _owner = owner;
            _held = held;
            _reservedTokens = reservedTokens;
            _reservedCost = reservedCost;
            _at = at;

            // The tightest window of each kind: the fewest remaining.
            foreach (ref readonly var scope in held.AsSpan())
            {
                if (scope.RequestsWindow is { } r && (_requests is null || r.Remaining < _requests.Value.Remaining))
                {
                    _requests = r;
                }

                if (scope.TokensWindow is { } t && (_tokens is null || t.Remaining < _tokens.Value.Remaining))
                {
                    _tokens = t;
                }
            }
        }

        public override long ReservedTokens => _reservedTokens;

        public override long? ReservedCostNanoDollars => _reservedCost;

        public override RateWindow? Requests => _requests;

        public override RateWindow? Tokens => _tokens;

        public override DateTimeOffset At => _at;

        protected override void SettleCore(long actualTokens, long? actualCostNanoDollars)
        {
            var now = _owner._time.GetUtcNow();
            foreach (ref readonly var scope in _held.AsSpan())
            {
                scope.State.Settle(scope, _reservedTokens, _reservedCost ?? 0, actualTokens, actualCostNanoDollars ?? 0, now);
            }
        }
    }
}
