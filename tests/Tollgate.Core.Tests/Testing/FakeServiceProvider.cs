namespace Tollgate.Core.Tests.Testing;

/// <summary>Resolves exactly the instances it was given, by their concrete type.</summary>
internal sealed class FakeServiceProvider(params object[] services) : IServiceProvider
{
    public object? GetService(Type serviceType) => services.FirstOrDefault(serviceType.IsInstanceOfType);
}
