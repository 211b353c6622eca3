using Pgml.Dashboard;

// The dashboard's entry point: `make dashboard`, or `dotnet run --project src/Pgml.Dashboard -- --ConnectionStrings:Pgml=...`.
var app = DashboardApp.Build(args);
app.Run();
