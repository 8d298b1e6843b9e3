// The HTTP floor: what Kestrel and minimal APIs cost on this machine with no work at all.
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information); // "Now listening on: …"
WebApplication app = builder.Build();
app.MapPost("/floor", () => Results.Text("""{"allowed":true}""", "application/json"));
app.Run();
