using System.Text.Json;
using AccountabilityDsl.Runtime;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>
/// Every kind of bad request is a 4xx problem details naming the field at fault: never a 500,
/// never a stack trace, never a write to the ledger.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly ServeFactory _factory = new(["samples/retail-bank.owner"]);

    public static TheoryData<string, string, int, string> Requests => new()
    {
        // path, body, status, field
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"k","colour":"red"}""", 400, "colour" },
        { "/v1/RetailBank/reserve", """{"customerId":42,"channel":"Email","idempotencyKey":"k"}""", 400, "customerId" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email"}""", 400, "idempotencyKey" },
        { "/v1/RetailBank/reserve", """{"channel":"Email","idempotencyKey":"k"}""", 400, "customerId" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Fax","idempotencyKey":"k"}""", 400, "channel" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","offer":"FreeLunch","idempotencyKey":"k"}""", 400, "offer" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"k","holdSeconds":"long"}""", 400, "holdSeconds" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"k","holdSeconds":-5}""", 400, "holdSeconds" },
        { "/v1/RetailBank/reserve", """{"customerId":"c\u0000","channel":"Email","idempotencyKey":"k"}""", 400, "customerId" },
        { "/v1/RetailBank/reserve", """{"customerId":"","channel":"Email","idempotencyKey":"k"}""", 400, "customerId" },
        { "/v1/RetailBank/reserve", """{"customerId":"   ","channel":"Email","idempotencyKey":"k"}""", 400, "customerId" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"\ud800"}""", 400, "idempotencyKey" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","category":" ","idempotencyKey":"k"}""", 400, "category" },
        { "/v1/RetailBank/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"k""", 400, "$" },
        { "/v1/RetailBank/reserve", """["c","Email"]""", 400, "$" },
        { "/v1/RetailBank/reserve", "", 400, "$" },
        { "/v1/Retail/reserve", """{"customerId":"c","channel":"Email","idempotencyKey":"k"}""", 404, "policy" },
        { "/v1/RetailBank/check", """{"customerId":"c","channel":null}""", 400, "channel" },
        { "/v1/RetailBank/commit", """{"reservation":"nonsense"}""", 400, "reservation" },
        { "/v1/RetailBank/commit", """{"reservation":7}""", 400, "reservation" },
        { "/v1/RetailBank/events", """{"customerId":"c","event":"Complaints"}""", 400, "event" },
        { "/v1/RetailBank/events", """{"customerId":"c","event":"Complaint","at":"yesterday"}""", 400, "at" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":"lots","tenure_years":1,"owns_boat":false,"region":"North"}}""", 400, "customer.assets" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":1,"tenure_years":1.5,"owns_boat":false,"region":"North"}}""", 400, "customer.tenure_years" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":1,"tenure_years":1,"owns_boat":false}}""", 400, "customer.region" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":1,"tenure_years":1,"owns_boat":false,"region":"Mars"}}""", 400, "customer.region" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":1,"tenure_years":1,"owns_boat":false,"region":"North","age":3}}""", 400, "customer.age" },
        { "/v1/RetailBank/accountable", """{"customer":{"assets":1,"tenure_years":1,"owns_boat":false,"region":"North"},"stage":"Dormant"}""", 400, "stage" },
        { "/v1/RetailBank/accountable", """{"customer":[]}""", 400, "customer" },
        { "/v1/RetailBank/offers/rank", """{"customerId":"c","customer":{"assets":1,"tenure_years":1,"owns_boat":false,"region":"North"}}""", 400, "stage" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task A_bad_request_is_a_problem_naming_the_field_and_writes_nothing(string path, string body, int status, string field)
    {
        HttpClient client = _factory.CreateClient();

        (int actual, JsonElement problem) = await client.PostRaw(path, body);

        actual.ShouldBe(status, problem.GetRawText());
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.Str("field").ShouldBe(field);
        problem.Str("detail").ShouldNotBeNullOrWhiteSpace();
        problem.GetRawText().ShouldNotContain("Exception");
        var ledger = (IContactLedger)_factory.Services.GetService(typeof(IContactLedger))!;
        ledger.Find("c", "k").ShouldBeNull();
        ledger.LastEvent("c", "Complaint").ShouldBeNull();
    }

    [Fact]
    public async Task Mistakes_are_reported_together_with_a_suggestion()
    {
        HttpClient client = _factory.CreateClient();

        (int status, JsonElement problem) = await client.PostRaw("/v1/RetailBank/check", """{"customerId":"c","channel":"Emial","offer":3}""");

        status.ShouldBe(400);
        JsonElement errors = problem.GetProperty("errors");
        errors.GetProperty("channel")[0].GetString()!.ShouldContain("did you mean 'Email'?");
        errors.GetProperty("offer")[0].GetString().ShouldBe("'offer' must be a string, not a number");
        problem.Str("title").ShouldBe("The request is not valid");
    }

    [Fact]
    public async Task Bodies_over_the_limit_and_other_media_types_are_refused()
    {
        HttpClient client = _factory.CreateClient();
        string huge = "{\"customerId\":\"c\",\"channel\":\"Email\",\"category\":\"" + new string('x', 70_000) + "\"}";

        (await client.PostRaw("/v1/RetailBank/check", huge)).Status.ShouldBe(413);
        (await client.PostRaw("/v1/RetailBank/check", "customerId=c", "application/x-www-form-urlencoded")).Status.ShouldBe(415);
    }

    public void Dispose() => _factory.Dispose();
}
