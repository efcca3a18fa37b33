namespace Tollgate.Server.Endpoints.OpenAI;

/// <summary>Maps the OpenAI-compatible API.</summary>
internal static class OpenAIEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapOpenAIEndpoints(this IEndpointRouteBuilder routes)
    {
        var chat = routes.ServiceProvider.GetRequiredService<ChatCompletionsEndpoint>();
        var embeddings = routes.ServiceProvider.GetRequiredService<EmbeddingsEndpoint>();
        var models = routes.ServiceProvider.GetRequiredService<ModelsEndpoints>();

        // Both with and without the /v1 prefix: some clients are configured with a base URL lacking it.
        foreach (var prefix in new[] { "/v1", string.Empty })
        {
            routes.MapPost(prefix + "/chat/completions", chat.HandleAsync);
            routes.MapPost(prefix + "/embeddings", embeddings.HandleAsync);
            routes.MapGet(prefix + "/models", models.ListAsync);
            routes.MapGet(prefix + "/models/{**id}", (HttpContext http, string id) => models.GetAsync(http, id));
        }

        return routes;
    }
}
