using Tollgate.Core.Budgets;

namespace Tollgate.Core.Limits;

/// <summary>
/// Admits or refuses calls against the rate limits and budgets of every scope they fall in (key, user, team, model):
/// the tightest always wins. Thread-safe. A call with nothing to enforce in any scope is admitted without a lock or an
/// allocation.
/// </summary>
/// <remarks>
/// Per request: build the scopes and the <see cref="Reservation"/>, call <see cref="TryAdmit"/>; on a refusal answer
/// 429 with <see cref="RateLimitHeaders"/>; otherwise call the upstream and settle the ticket exactly once with the
/// real tokens and cost (zeros when the upstream failed before any usage).
/// </remarks>
public sealed class LimitAdmission
{
    private readonly ILimitCounters _counters;

    /// <summary>Creates the controller over <paramref name="counters"/>.</summary>
    public LimitAdmission(ILimitCounters counters) => _counters = counters;

    /// <summary>Where budgets stand, for spend reports and the admin API.</summary>
    public IBudgetReader Budgets => _counters;

    /// <summary>The counters, for budget changes and start-up seeding.</summary>
    public ILimitCounters Counters => _counters;

    /// <summary>Reserves the call in every scope, all or nothing.</summary>
    public AdmissionResult TryAdmit(in AdmissionRequest request) =>
        request.IsUnlimited ? AdmissionResult.Unlimited : _counters.TryAdmit(request);
}
