using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Testing;

/// <summary>Counts <see cref="Create"/> calls so tests can tell a kept provider from a new one.</summary>
internal sealed class FakeChatProviderFactory(string type = "fake") : IChatProviderFactory
{
    public string Type => type;

    public IReadOnlyList<ProviderSetting> Settings { get; } = [];

    public int CreateCount { get; private set; }

    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        CreateCount++;
        return new FakeChatProvider(config);
    }
}
