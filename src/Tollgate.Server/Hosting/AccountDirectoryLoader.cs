using Tollgate.Core.Keys;

namespace Tollgate.Server.Hosting;

/// <summary>Loads the <see cref="AccountDirectory"/> from the stores before the server takes requests; a store that fails stops the start.</summary>
internal sealed class AccountDirectoryLoader(AccountDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => directory.RefreshAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
