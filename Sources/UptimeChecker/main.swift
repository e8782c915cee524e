import InstanceWatchCore
print("placeholder")
