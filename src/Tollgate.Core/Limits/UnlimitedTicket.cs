namespace Tollgate.Core.Limits;

/// <summary>The ticket of a call with nothing to enforce: one shared instance, settling it does nothing.</summary>
internal sealed class UnlimitedTicket : AdmissionTicket
{
    public static readonly UnlimitedTicket Instance = new();

    private UnlimitedTicket()
        : base(shared: true)
    {
    }

    public override long ReservedTokens => 0;

    public override long? ReservedCostNanoDollars => null;

    public override RateWindow? Requests => null;

    public override RateWindow? Tokens => null;

    public override DateTimeOffset At => DateTimeOffset.MinValue;

    protected override void SettleCore(long actualTokens, long? actualCostNanoDollars)
    {
        // Never called: the base class returns before settling the shared instance, which reserved nothing.
    }
}
