namespace Tollgate.Chat;

/// <summary>One piece of a message's content. Providers map each kind they support and refuse the rest.</summary>
public abstract record ContentPart;
