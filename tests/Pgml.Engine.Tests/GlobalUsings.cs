// The shared test data and the opt-in attributes are used by nearly every test folder.
global using Pgml.Engine.Tests.TestData;
