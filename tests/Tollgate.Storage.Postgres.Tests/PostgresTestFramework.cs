using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Tollgate.Storage.Postgres.Tests.PostgresTestFramework", "Tollgate.Storage.Postgres.Tests")]

namespace Tollgate.Storage.Postgres.Tests;

/// <summary>
/// xUnit's framework, except that where the PostgreSQL binaries are missing every test is reported skipped with the
/// reason, rather than failed, unless <c>CI=true</c>: in CI a missing server must fail the run, never pass it silently.
/// The inherited contract suites use plain <c>[Fact]</c>s, so the skip is decided here, at discovery.
/// </summary>
public sealed class PostgresTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>Why tests are skipped, or <see langword="null"/> when they run.</summary>
    public static string? SkipReason { get; } =
        PostgresServer.FindBinaries() is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? "PostgreSQL server binaries not found (TOLLGATE_POSTGRES_BIN, else /usr/lib/postgresql/*/bin/initdb): install Debian's postgresql package, or run eng/test.sh, which does. Under CI=true these tests fail instead."
            : null;

    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        private readonly IMessageSink _diagnostics = diagnosticMessageSink;

        protected override bool FindTestsForType(ITestClass testClass, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (SkipReason is not { } reason)
            {
                return base.FindTestsForType(testClass, includeSourceInformation, messageBus, discoveryOptions);
            }

            using var skipping = new SkippingBus(messageBus, reason, _diagnostics, discoveryOptions);
            return base.FindTestsForType(testClass, includeSourceInformation, skipping, discoveryOptions);
        }
    }

    private sealed class SkippingBus(IMessageBus inner, string reason, IMessageSink diagnostics, ITestFrameworkDiscoveryOptions options) : IMessageBus
    {
        public bool QueueMessage(IMessageSinkMessage message)
        {
            if (message is ITestCaseDiscoveryMessage { TestCase: IXunitTestCase testCase })
            {
                var skipped = new XunitSkippedDataRowTestCase(
                    diagnostics, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testCase.TestMethod, reason, testCase.TestMethodArguments);
                return inner.QueueMessage(new TestCaseDiscoveryMessage(skipped));
            }

            return inner.QueueMessage(message);
        }

        public void Dispose()
        {
            // The inner bus belongs to the caller.
        }
    }
}
