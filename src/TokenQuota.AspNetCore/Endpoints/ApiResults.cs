using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TokenQuota.AspNetCore;

/// <summary>The response shapes: the seed's <c>{"status": "success"|"error", "message": …}</c> bodies and ProblemDetails.</summary>
internal static class ApiResults
{
    /// <summary>Exact property names (the contracts and library types carry their own snake_case names); the host's JSON options do not apply.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = null,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonHttpResult<TResponse> Success<TResponse>(TResponse body, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(body, Json, contentType: null, statusCode: statusCode);

    public static JsonHttpResult<ErrorResponse> Error(int statusCode, string message) => Success(new ErrorResponse(message), statusCode);

    public static ProblemHttpResult Problem(int statusCode, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = statusCode, Title = title, Detail = detail };
        problem.Extensions["message"] = detail;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>A 400 ValidationProblemDetails with the errors of each field; <c>message</c> carries the first error.</summary>
    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors, string? message = null)
    {
        var first = message ?? errors.SelectMany(e => e.Value).FirstOrDefault() ?? "The request is invalid.";
        return TypedResults.ValidationProblem(
            errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            detail: first,
            title: "One or more fields are invalid.",
            extensions: new Dictionary<string, object?> { ["message"] = first });
    }

    public static ValidationProblem Validation(string field, string error) =>
        Validation(new Dictionary<string, string[]> { [field] = [error] });
}
