using System.Net.Http.Headers;
using AccountabilityDsl.Serve.Tests.Infrastructure;

namespace AccountabilityDsl.Serve.Tests;

/// <summary>With a token, every /v1 request needs it; probes, metrics and the OpenAPI document do not.</summary>
public sealed class AuthTests : IDisposable
{
    private const string Token = "3f1c9a0b7d2e4c6f8a1b3d5e7f9a0c2e";
    private readonly ServeFactory _factory = new(["samples/retail-bank.owner"], token: Token);

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-of-some-length")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Basic " + Token)]
    public async Task Without_the_token_v1_is_401(string? authorization)
    {
        HttpClient client = _factory.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage policies = await client.GetAsync("/v1/policies");
        using HttpResponseMessage check = await client.PostAsync("/v1/RetailBank/check", new StringContent("""{"customerId":"c","channel":"Email"}""", System.Text.Encoding.UTF8, "application/json"));

        ((int)policies.StatusCode).ShouldBe(401);
        ((int)check.StatusCode).ShouldBe(401);
        policies.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        policies.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task With_the_token_v1_answers_and_probes_need_none()
    {
        HttpClient client = _factory.CreateClient();
        (await client.Get("/healthz")).Status.ShouldBe(200);
        (await client.Get("/readyz")).Status.ShouldBe(200);
        (await client.Get("/metrics")).Status.ShouldBe(200);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        (await client.Get("/v1/policies")).Status.ShouldBe(200);
        (await client.Post("/v1/RetailBank/check", new { customerId = "c", channel = "Email" })).Status.ShouldBe(200);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5199", null, "is not a loopback address")]
    [InlineData("http://*:5199", null, "needs --token-file")]
    [InlineData("http://192.168.1.20:5199", null, "needs --token-file")]
    [InlineData("http://127.0.0.1:5199", null, null)]
    [InlineData("http://localhost:5199;http://[::1]:5200", null, null)]
    [InlineData("http://0.0.0.0:5199", "token", null)]
    [InlineData("ftp://127.0.0.1", null, "is not a URL")]
    public void Only_loopback_is_served_without_a_token(string urls, string? tokenFile, string? error)
    {
        var options = new ServeOptions { Paths = [], Urls = urls, TokenFile = tokenFile };

        string? problem = options.Validate();

        if (error is null)
        {
            problem.ShouldBeNull();
        }
        else
        {
            problem.ShouldNotBeNull().ShouldContain(error);
        }
    }

    [Fact]
    public void A_short_token_is_refused()
    {
        string file = Path.Combine(_factory.Directory, "short-token");
        File.WriteAllText(file, "secret\n");
        new ServeOptions { Paths = [], TokenFile = file }.ReadToken(out string? error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("at least 16 characters");
    }

    public void Dispose() => _factory.Dispose();
}
