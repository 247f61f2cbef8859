using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static TokenQuota.AspNetCore.EndpointServices;

namespace TokenQuota.AspNetCore;

/// <summary><c>/admin/model-prices</c>: the price catalogue that cost limits are charged from.</summary>
internal static class ModelPriceEndpoints
{
    public const string NotFoundMessage = "Model price not found";

    public static void Map(IEndpointRouteBuilder admin)
    {
        var prices = admin.MapGroup("/model-prices");
        prices.MapGet("/", (Delegate)List);
        prices.MapPost("/", (Delegate)Set);
        prices.MapPost("/import", (Delegate)Import);
        prices.MapDelete("/", (Delegate)Remove);
    }

    private static async Task<JsonHttpResult<ModelPriceListResponse>> List(HttpContext http) =>
        ApiResults.Success(new ModelPriceListResponse(Currency(http), await Manager(http).ListModelPricesAsync(http.RequestAborted)));

    private static async Task<Results<JsonHttpResult<ModelPriceChangedResponse>, ValidationProblem, ProblemHttpResult>> Set(HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (!body.TryGetFields(out var root, out var invalid))
        {
            return invalid!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ModelPriceRequest.Read(root, string.Empty, errors) is not { } price)
        {
            return ApiResults.Validation(errors);
        }

        var stored = await Manager(http).SetModelPriceAsync(price, Actor(http), http.RequestAborted);
        return ApiResults.Success(new ModelPriceChangedResponse("Model price set successfully", Currency(http), stored));
    }

    private static async Task<Results<JsonHttpResult<ModelPricesImportedResponse>, ValidationProblem, ProblemHttpResult>> Import(HttpContext http)
    {
        var body = await RequestBody.ReadAsync(http, Options(http).MaxRequestBodySize);
        if (body.Error is { } problem)
        {
            return problem;
        }

        if (body.Empty || (body.Root.ValueKind == JsonValueKind.Array && body.Root.GetArrayLength() == 0))
        {
            return ApiResults.Validation("body", "No data provided");
        }

        if (body.Root.ValueKind != JsonValueKind.Array)
        {
            return ApiResults.Validation("body", "The request body must be a JSON array of model prices.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ModelPriceRequest.ReadAll(body.Root, errors) is not { } prices)
        {
            return ApiResults.Validation(errors);
        }

        var changed = await Manager(http).ImportModelPricesAsync(prices, Actor(http), http.RequestAborted);
        return ApiResults.Success(new ModelPricesImportedResponse("Model prices imported successfully", prices.Count, changed));
    }

    private static async Task<Results<JsonHttpResult<MessageResponse>, JsonHttpResult<ErrorResponse>, ValidationProblem>> Remove(HttpContext http)
    {
        var model = QueryParameters.Get(http, "model");
        var from = QueryParameters.Get(http, "effective_from");

        // The price's own parsing judges the model and the instant; the placeholder prices are never stored.
        if (!ModelPrice.TryCreate(model, from, "0", "0", null, null, out var key, out var problems))
        {
            return ApiResults.Validation(problems.ToDictionary(p => p.Key, p => new[] { p.Value }, StringComparer.Ordinal));
        }

        return await Manager(http).RemoveModelPriceAsync(key.Model.Pattern, key.EffectiveFrom, Actor(http), http.RequestAborted)
            ? ApiResults.Success(new MessageResponse("Model price removed successfully"))
            : ApiResults.Error(StatusCodes.Status404NotFound, NotFoundMessage);
    }
}
