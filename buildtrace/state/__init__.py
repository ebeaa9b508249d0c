"""Pure folds over events: what the model, the call stack and training look like at
event *i*. Nothing here imports the engine; everything works on a recorded file."""
