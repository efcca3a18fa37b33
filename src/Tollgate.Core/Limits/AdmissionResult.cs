namespace Tollgate.Core.Limits;

/// <summary>The outcome of <see cref="LimitAdmission.TryAdmit"/>: a ticket to settle, or the refusal.</summary>
public readonly struct AdmissionResult
{
    private AdmissionResult(AdmissionTicket? ticket, LimitRefusal? refusal)
    {
        Ticket = ticket;
        Refusal = refusal;
    }

    /// <summary>The admission of a call with nothing to enforce (no allocation).</summary>
    public static AdmissionResult Unlimited => new(UnlimitedTicket.Instance, null);

    /// <summary>The ticket of an admitted call; <see langword="null"/> when refused.</summary>
    public AdmissionTicket? Ticket { get; }

    /// <summary>Why the call was refused; <see langword="null"/> when admitted.</summary>
    public LimitRefusal? Refusal { get; }

    /// <summary>Whether the call was admitted.</summary>
    public bool IsAdmitted => Ticket is not null;

    /// <summary>An admission.</summary>
    public static AdmissionResult Admitted(AdmissionTicket ticket) => new(ticket, null);

    /// <summary>A refusal.</summary>
    public static AdmissionResult Refused(LimitRefusal refusal) => new(null, refusal);
}
