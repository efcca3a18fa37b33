using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tollgate.Core.Ledger;

/// <summary>Registers the <see cref="LedgerWriter"/>.</summary>
public static class LedgerWriterExtensions
{
    /// <summary>
    /// Registers <see cref="LedgerWriter"/> as a singleton, as the <see cref="ILedgerSink"/> and as a hosted service.
    /// Needs an <see cref="Tollgate.Ledger.IUsageLedger"/>, a <see cref="TimeProvider"/> (the system clock unless one is registered) and logging.
    /// </summary>
    public static IServiceCollection AddLedgerWriter(this IServiceCollection services, LedgerWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<LedgerWriter>();
        services.AddSingleton<ILedgerSink>(sp => sp.GetRequiredService<LedgerWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<LedgerWriter>());
        return services;
    }
}
