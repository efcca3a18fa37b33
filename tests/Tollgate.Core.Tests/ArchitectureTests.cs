using Tollgate.Chat;
using Tollgate.Core.Gateway;

namespace Tollgate.Core.Tests;

public sealed class ArchitectureTests
{
    [Theory]
    [InlineData("Npgsql")]
    [InlineData("Microsoft.Data.Sqlite")]
    [InlineData("StackExchange.Redis")]
    public void CoreAssembly_DoesNotReferenceStorageDrivers(string driver)
    {
        var references = typeof(GatewayState).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain(references, name => name is not null && name.StartsWith(driver, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void CoreAssembly_ReferencesAbstractions()
    {
        // Guards the test above against looking at the wrong assembly.
        Assert.Contains(typeof(GatewayState).Assembly.GetReferencedAssemblies(), a => a.Name == typeof(ChatRequest).Assembly.GetName().Name);
    }

    [Fact]
    public void AbstractionsAssembly_ReferencesNoOtherTollgateAssembly()
    {
        var abstractions = typeof(ChatRequest).Assembly;

        var tollgate = abstractions.GetReferencedAssemblies()
            .Select(a => a.Name)
            .Where(name => name is not null && name.StartsWith("Tollgate", StringComparison.Ordinal))
            .ToList();

        Assert.Equal("Tollgate.Abstractions", abstractions.GetName().Name);
        Assert.Empty(tollgate);
    }

    [Fact]
    public void AbstractionsAssembly_ReferencesOnlyTheFramework()
    {
        var names = typeof(ChatRequest).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty);

        Assert.All(names, name => Assert.True(
            name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib",
            $"Tollgate.Abstractions references {name}."));
    }
}
